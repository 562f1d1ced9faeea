/* x87 floating point (double): the Mandelbrot set and an n-body
 * simulation. Built for the x87 (-mfpmath=387, no SSE), so every operation
 * is an x87 instruction; tx86 runs it once it has an FPU. */
#include "bench.h"

const char bench_name[] = "x87";

static double fsqrt(double x) {
  __asm__("fsqrt" : "+t"(x));
  return x;
}

static uint32_t mandelbrot(unsigned size, unsigned max_iter, double shift) {
  uint32_t total = 0;
  for (unsigned py = 0; py < size; ++py) {
    const double ci = -1.25 + 2.5 * py / size + shift;
    for (unsigned px = 0; px < size; ++px) {
      const double cr = -2.0 + 2.5 * px / size;
      double zr = 0, zi = 0;
      unsigned it = 0;
      while (it < max_iter && zr * zr + zi * zi < 4.0) {
        const double t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        ++it;
      }
      total += it;
    }
  }
  return total;
}

struct Body {
  double x, y, z, vx, vy, vz, m;
};

static const struct Body kInitial[5] = {
    {0, 0, 0, 0, 0, 0, 39.47841760435743},
    {4.84143144246472090, -1.16032004402742839, -0.103622044471123109, 0.606326392995832,
     2.81198684491626, -0.02521836165988763, 0.03769367487038949},
    {8.34336671824457987, 4.12479856412430479, -0.403523417114321381, -1.01077434617730,
     1.82566237123041, 0.008415761376584154, 0.011286326131968767},
    {12.8943695621391310, -15.1111514016986312, -0.223307578892655734, 1.08279100644154,
     0.868713018169608, -0.01010771712378490, 0.0017237240570597112},
    {15.3796971148509165, -25.9193146099879641, 0.179258772950371181, 0.979090732243898,
     0.594698998647676, -0.034763004253031, 0.0020336868699246304},
};

static double energy(const struct Body* b, int n) {
  double e = 0;
  for (int i = 0; i < n; ++i) {
    e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < n; ++j) {
      const double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].m * b[j].m / fsqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

static double nbody(unsigned steps) {
  struct Body b[5];
  for (int i = 0; i < 5; ++i) b[i] = kInitial[i];
  const double dt = 0.01;
  for (unsigned s = 0; s < steps; ++s) {
    for (int i = 0; i < 5; ++i) {
      for (int j = i + 1; j < 5; ++j) {
        const double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
        const double d2 = dx * dx + dy * dy + dz * dz;
        const double mag = dt / (d2 * fsqrt(d2));
        b[i].vx -= dx * b[j].m * mag;
        b[i].vy -= dy * b[j].m * mag;
        b[i].vz -= dz * b[j].m * mag;
        b[j].vx += dx * b[i].m * mag;
        b[j].vy += dy * b[i].m * mag;
        b[j].vz += dz * b[i].m * mag;
      }
    }
    for (int i = 0; i < 5; ++i) {
      b[i].x += dt * b[i].vx;
      b[i].y += dt * b[i].vy;
      b[i].z += dt * b[i].vz;
    }
  }
  return energy(b, 5);
}

uint32_t bench_run(unsigned scale) {
  plat_fpu_init();
  uint32_t sum = 0;
  for (unsigned unit = 0; unit < scale; ++unit) {
    sum = bench_mix(sum, mandelbrot(128, 192, (unit & 3) * 0.001));
    /* The energy to 1e-9, as an integer: identical on any exact x87. */
    sum = bench_mix(sum, (uint32_t)(int32_t)(nbody(8000 + (unit & 7)) * 1e9));
  }
  return sum;
}
