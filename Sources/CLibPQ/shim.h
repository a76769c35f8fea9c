// libpq, PostgreSQL's own client library (Debian: libpq-dev). Only SluiceSQL imports this module.
#include <libpq-fe.h>
