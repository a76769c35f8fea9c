// lz4 for Parquet page compression (Debian: see scripts/install-deps.sh). Only SluiceFormats imports this module.
#include <lz4.h>
