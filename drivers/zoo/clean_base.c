/* clean_base: the zoo base with no hook: breaks nothing (the control for every zoo driver). */
#include "zoo_base.h"
