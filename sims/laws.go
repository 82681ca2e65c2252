package sims

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/dsp/fourier"
)

// StableSymmetric draws a symmetric α-stable variate with index mu in
// (0, 2] and unit scale, E[e^{ikX}] = e^{−|k|^mu}, by the method of
// Chambers, Mallows and Stuck (1976). mu = 2 gives N(0, 2), mu = 1 the
// standard Cauchy law.
func StableSymmetric(rng *rand.Rand, mu float64) float64 {
	v := math.Pi * (rng.Float64() - 0.5) // uniform on (−π/2, π/2)
	w := rng.ExpFloat64()
	if mu == 1 {
		return math.Tan(v)
	}
	x := math.Sin(mu*v) / math.Pow(math.Cos(v), 1/mu) * math.Pow(math.Cos((1-mu)*v)/w, (1-mu)/mu)
	if math.IsNaN(x) { // v at the very edge: cos(v) = 0
		return 0
	}
	return x
}

// StablePDF is the density of StableSymmetric at x. Away from μ = 1 and 2
// (exact forms) and the far tail (its asymptote) it uses Nolan's (1997)
// non-oscillating integral: for x > 0
// f(x) = μ·x^(1/(μ−1)) / (π|μ−1|) · ∫₀^{π/2} V(θ) e^(−x^(μ/(μ−1))·V(θ)) dθ
// with V(θ) = (cos θ / sin μθ)^(μ/(μ−1)) · cos((μ−1)θ) / cos θ, by the
// midpoint rule.
func StablePDF(x, mu float64) float64 {
	x = math.Abs(x)
	switch {
	case mu == 1:
		return 1 / (math.Pi * (1 + x*x))
	case mu == 2:
		return math.Exp(-x*x/4) / math.Sqrt(4*math.Pi)
	case x < 1e-9:
		return math.Gamma(1+1/mu) / math.Pi
	case math.Pow(x, mu) > 1000:
		// far tail: Γ(1+μ)·sin(πμ/2)/π · x^(−1−μ), relative error ~ x^(−μ)
		return math.Gamma(1+mu) * math.Sin(math.Pi*mu/2) / math.Pi * math.Pow(x, -1-mu)
	case math.Abs(mu-1) < 0.02:
		// the integral is ill-conditioned next to μ = 1: interpolate
		// between the Cauchy law and μ = 1 ± 0.02
		w := math.Abs(mu-1) / 0.02
		return (1-w)/(math.Pi*(1+x*x)) + w*StablePDF(x, 1+math.Copysign(0.02, mu-1))
	}
	e := mu / (mu - 1)
	xe := math.Pow(x, e)
	n := 2000
	h := math.Pi / 2 / float64(n)
	var s float64
	for i := 0; i < n; i++ {
		th := (float64(i) + 0.5) * h
		v := math.Pow(math.Cos(th)/math.Sin(mu*th), e) * math.Cos((mu-1)*th) / math.Cos(th)
		if g := v * math.Exp(-xe*v); !math.IsNaN(g) && !math.IsInf(g, 0) {
			s += g
		}
	}
	return math.Max(mu*math.Pow(x, 1/(mu-1))/(math.Pi*math.Abs(mu-1))*s*h, 0)
}

// Pareto draws t ≥ t0 with P(T > t) = (t/t0)^(−a): density a·t0^a·t^(−1−a).
func Pareto(rng *rand.Rand, a, t0 float64) float64 {
	u := 1 - rng.Float64() // (0, 1]
	return t0 * math.Pow(u, -1/a)
}

// FGN draws two independent samples of fractional Gaussian noise of
// length n with Hurst exponent h (unit variance, covariance γ(k) =
// ½(|k+1|^2h − 2|k|^2h + |k−1|^2h)) by circulant embedding (Davies and
// Harte 1987) with gonum's FFT. Their cumulative sums are fractional
// Brownian motions with ⟨x(t)²⟩ = t^(2h).
func FGN(rng *rand.Rand, n int, h float64) (a, b []float64) {
	m := 2 * n
	c := make([]complex128, m)
	gamma := func(k float64) float64 {
		return 0.5 * (math.Pow(math.Abs(k+1), 2*h) - 2*math.Pow(math.Abs(k), 2*h) + math.Pow(math.Abs(k-1), 2*h))
	}
	for k := 0; k <= n; k++ {
		c[k] = complex(gamma(float64(k)), 0)
	}
	for k := n + 1; k < m; k++ {
		c[k] = c[m-k]
	}
	fft := fourier.NewCmplxFFT(m)
	lam := fft.Coefficients(nil, c) // eigenvalues of the circulant, real and ≥ 0 for fGn
	w := make([]complex128, m)
	for k := range w {
		s := math.Sqrt(math.Max(real(lam[k]), 0) / float64(m))
		w[k] = complex(s*rng.NormFloat64(), s*rng.NormFloat64())
	}
	y := fft.Coefficients(nil, w)
	a, b = make([]float64, n), make([]float64, n)
	for k := 0; k < n; k++ {
		a[k], b[k] = real(y[k]), imag(y[k])
	}
	return a, b
}

// MittagLeffler draws a waiting time of the fractional Poisson process of
// order a in (0, 1] and unit time scale (Fulger, Scalas and Germano 2008):
// its survival function is E_a(−t^a), its tail ψ(t) ∝ t^(−1−a), and the
// mean number of renewals up to t is exactly t^a/Γ(1+a) at every t (a = 1:
// exponential waits, a Poisson process).
func MittagLeffler(rng *rand.Rand, a float64) float64 {
	u := 1 - rng.Float64() // (0, 1]
	if a >= 1 {
		return -math.Log(u)
	}
	v := rng.Float64()
	pa := math.Pi * a
	return -math.Log(u) * math.Pow(math.Sin(pa)/math.Tan(pa*v)-math.Cos(pa), 1/a)
}

// MittagLefflerPDF is the density of MittagLeffler, from its integral
// representation f(t) = (1/π) ∫₀^∞ e^(−rt) r^a sin(aπ)/(r^2a + 2r^a cos(aπ)
// + 1) dr, integrated over log r by Simpson's rule.
func MittagLefflerPDF(t, a float64) float64 {
	if a >= 1 {
		return math.Exp(-t)
	}
	sa, ca := math.Sin(a*math.Pi), math.Cos(a*math.Pi)
	lo, hi := -40.0, math.Log(60/t+1) // e^(−rt) is negligible past r = 60/t
	n := 2000
	h := (hi - lo) / float64(n)
	var s float64
	for i := 0; i <= n; i++ {
		r := math.Exp(lo + float64(i)*h)
		ra := math.Pow(r, a)
		f := math.Exp(-r*t) * ra * sa / (ra*ra + 2*ra*ca + 1) * r // dr = r du
		switch {
		case i == 0 || i == n:
			s += f
		case i%2 == 1:
			s += 4 * f
		default:
			s += 2 * f
		}
	}
	return s * h / 3 / math.Pi
}
