// SPDX-License-Identifier: MIT
#pragma once

// The one PRNG of the generators, the evaluation and the tests (the daemon
// needs none): splitmix64 with our own distributions, not std::*_distribution,
// whose output differs between standard libraries. Same seed, same numbers on
// every platform, so generated files (the bundled recording) and figures
// (tactus-eval) reproduce byte for byte.

#include <cmath>
#include <cstdint>

namespace tactus {

/** Box-Muller: a standard normal from two uniforms, @p u1 in (0, 1]. */
inline double boxMuller(double u1, double u2)
{
	return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/** splitmix64: small, fast, good enough for simulation, identical everywhere. */
class SplitMix64 {
public:
	explicit SplitMix64(uint64_t seed) : state_(seed) {}

	/** The next 64 random bits. */
	uint64_t next()
	{
		uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		return z ^ (z >> 31);
	}

	/** Uniform in [0, 1). */
	double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

	/** Uniform in [lo, hi). */
	double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

	/** Uniform integer in [0, n) (modulo bias is negligible for small n). */
	uint64_t below(uint64_t n) { return next() % n; }

	/** Standard normal: Box-Muller on two draws, the first kept off 0. */
	double normal()
	{
		double u1 = uniform();
		double u2 = uniform();
		if (u1 < 1e-300)
			u1 = 1e-300;
		return boxMuller(u1, u2);
	}

private:
	uint64_t state_;
};

} // namespace tactus
