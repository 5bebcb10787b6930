// The kernels are inline functions in include/scan_kernels.h; this file gives the target a source.
#include "scan_kernels.h"
