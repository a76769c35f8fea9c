// snappy for Parquet page compression (Debian: see scripts/install-deps.sh). Only SluiceFormats imports this module.
#include <snappy-c.h>
