/* bd-geo.c
 *
 * Copyright 2026 The Bosai Desk Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "bd-geo.h"

#include <float.h>
#include <math.h>

double
bd_geo_mercator_x (double longitude)
{
  longitude = CLAMP (longitude, -180.0, 180.0);

  return (longitude + 180.0) / 360.0;
}

double
bd_geo_mercator_y (double latitude)
{
  double s;

  latitude = CLAMP (latitude, -BD_GEO_MAX_LATITUDE, BD_GEO_MAX_LATITUDE);
  s = sin (latitude * G_PI / 180.0);

  return 0.5 - log ((1.0 + s) / (1.0 - s)) / (4.0 * G_PI);
}

void
bd_project_mercator (double  latitude,
                     double  longitude,
                     double *x,
                     double *y)
{
  const double below_one = 1.0 - DBL_EPSILON;

  *x = CLAMP (bd_geo_mercator_x (longitude), 0.0, below_one);
  *y = CLAMP (bd_geo_mercator_y (latitude), 0.0, below_one);
}
