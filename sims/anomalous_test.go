package sims

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// ksStat is the Kolmogorov–Smirnov distance between a sample and a CDF.
func ksStat(xs []float64, cdf func(float64) float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := float64(len(s))
	var d float64
	for i, x := range s {
		f := cdf(x)
		d = math.Max(d, math.Max(math.Abs(float64(i+1)/n-f), math.Abs(f-float64(i)/n)))
	}
	return d
}

// The CMS sampler is N(0, 2) at μ = 2 and the standard Cauchy law at μ = 1
// (KS at the 1% level, critical distance 1.63/√n), and a wrong law fails.
func TestStableSampler(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 20000
	crit := 1.63 / math.Sqrt(float64(n))
	draw := func(mu float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = StableSymmetric(rng, mu)
		}
		return xs
	}
	gauss := distuv.Normal{Mu: 0, Sigma: math.Sqrt2}
	cauchy := func(x float64) float64 { return 0.5 + math.Atan(x)/math.Pi }
	if d := ksStat(draw(2), gauss.CDF); d > crit {
		t.Errorf("μ = 2 against N(0,2): D = %.4f > %.4f", d, crit)
	}
	if d := ksStat(draw(1), cauchy); d > crit {
		t.Errorf("μ = 1 against Cauchy: D = %.4f > %.4f", d, crit)
	}
	if d := ksStat(draw(1.5), cauchy); d < crit {
		t.Errorf("μ = 1.5 passes as Cauchy: D = %.4f", d)
	}
	// the numerical density is continuous with the exact forms and
	// integrates to 1
	for _, x := range []float64{0.3, 1, 3} {
		if d := StablePDF(x, 1.999) - StablePDF(x, 2); math.Abs(d) > 2e-3 {
			t.Errorf("density at μ = 1.999, x = %v differs from μ = 2 by %v", x, d)
		}
		if d := StablePDF(x, 1.001) - StablePDF(x, 1); math.Abs(d) > 2e-3 {
			t.Errorf("density at μ = 1.001, x = %v differs from μ = 1 by %v", x, d)
		}
	}
	for _, mu := range []float64{0.5, 1.2, 1.8} {
		var s float64
		for x := -50.0; x <= 50; x += 0.05 {
			s += StablePDF(x, mu) * 0.05
		}
		// beyond ±50 the density is Γ(1+μ)sin(πμ/2)/π·|x|^(−1−μ)
		tail := 2 * math.Gamma(mu) * math.Sin(math.Pi*mu/2) / math.Pi / math.Pow(50, mu)
		if math.Abs(s+tail-1) > 0.01 {
			t.Errorf("μ = %v: density integrates to %.4f", mu, s+tail)
		}
	}
}

// Mittag-Leffler waits: the density integrates to 1, the samples follow it
// (KS against its numerically integrated CDF) and their tail exponent is α
// (Hill estimator over the top 2%, within four of its standard errors).
func TestMittagLefflerWaits(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, a := range []float64{0.3, 0.5, 0.8} {
		n := 50000
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = MittagLeffler(rng, a)
		}
		sort.Float64s(xs)
		k := n / 50
		var s float64
		for _, x := range xs[n-k:] {
			s += math.Log(x / xs[n-k-1])
		}
		hill := float64(k) / s
		if se := a / math.Sqrt(float64(k)); math.Abs(hill-a) > 4*se+0.03 {
			t.Errorf("α = %v: Hill tail estimate %.3f ± %.3f", a, hill, se)
		}
		// CDF at a few points by integrating the density on a log grid
		cdf := func(x float64) float64 {
			var c float64
			lo := math.Log(1e-8)
			m := 400
			h := (math.Log(x) - lo) / float64(m)
			for i := 0; i < m; i++ {
				u := math.Exp(lo + (float64(i)+0.5)*h)
				c += MittagLefflerPDF(u, a) * u * h
			}
			return c
		}
		for _, x := range []float64{0.1, 1, 10} {
			emp := float64(sort.SearchFloat64s(xs, x)) / float64(n)
			if th := cdf(x); math.Abs(emp-th) > 0.01 {
				t.Errorf("α = %v: P(T < %v) = %.4f, density gives %.4f", a, x, emp, th)
			}
		}
	}
}

// The Hill estimator of the Pareto flight times recovers the tail exponent
// within four standard errors (its error is α/√k).
func TestParetoTail(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, a := range []float64{0.3, 0.5, 0.8} {
		k := 20000
		var s float64
		for range k {
			s += math.Log(Pareto(rng, a, 1))
		}
		hill := float64(k) / s
		if se := a / math.Sqrt(float64(k)); math.Abs(hill-a) > 4*se {
			t.Errorf("α = %v: Hill estimate %.4f ± %.4f", a, hill, se)
		}
	}
}

// Davies–Harte fGn has unit variance and the lag-1 covariance 2^(2H−1) − 1.
func TestFGN(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, h := range []float64{0.25, 0.5, 0.75} {
		var v, c float64
		var n int
		for range 200 {
			a, b := FGN(rng, 256, h)
			for _, s := range [][]float64{a, b} {
				for k := 0; k+1 < len(s); k++ {
					v += s[k] * s[k]
					c += s[k] * s[k+1]
					n++
				}
			}
		}
		v /= float64(n)
		c /= float64(n)
		want := math.Pow(2, 2*h-1) - 1
		if math.Abs(v-1) > 0.02 || math.Abs(c-want) > 0.02 {
			t.Errorf("H = %v: variance %.3f, lag-1 covariance %.3f (want 1, %.3f)", h, v, c, want)
		}
	}
}

func anomalousDefaults(model string) AnomalousParams {
	return AnomalousParams{Model: model, Walkers: 2000, Wait: WaitPower, Alpha: 0.5, Jump: JumpGauss,
		Mu: 1.5, Hurst: 0.5, Density: 0.2, Length: 65536, Noise: 0}
}

// The fitted MSD exponent lands within its honest uncertainty of theory for
// every model: four block standard errors plus the drift between the two
// halves of the fit window (the Lévy walks approach 3 − μ slowly).
func TestFittedAlpha(t *testing.T) {
	cases := []struct {
		name  string
		p     AnomalousParams
		steps int
		tmin  float64
	}{
		{"brownian", func() AnomalousParams { p := anomalousDefaults(CTRW); p.Wait = WaitExp; return p }(), 1000, 10},
		{"ctrw α=0.3", func() AnomalousParams { p := anomalousDefaults(CTRW); p.Alpha = 0.3; return p }(), 2000, 1},
		{"ctrw α=0.5", anomalousDefaults(CTRW), 2000, 1},
		{"ctrw α=0.8", func() AnomalousParams { p := anomalousDefaults(CTRW); p.Alpha = 0.8; return p }(), 2000, 1},
		{"fbm H=0.25", func() AnomalousParams { p := anomalousDefaults(FBM); p.Hurst, p.Length = 0.25, 1024; return p }(), 1000, 1},
		{"fbm H=0.5", func() AnomalousParams { p := anomalousDefaults(FBM); p.Length = 1024; return p }(), 1000, 1},
		{"fbm H=0.75", func() AnomalousParams { p := anomalousDefaults(FBM); p.Hurst, p.Length = 0.75, 1024; return p }(), 1000, 1},
		{"levywalk μ=1.2", func() AnomalousParams { p := anomalousDefaults(LevyWalk); p.Mu, p.Length = 1.2, 10000; return p }(), 10000, 50},
		{"levywalk μ=1.5", anomalousDefaults(LevyWalk), 2000, 50},
		{"levywalk μ=1.8", func() AnomalousParams { p := anomalousDefaults(LevyWalk); p.Mu, p.Length = 1.8, 10000; return p }(), 10000, 50},
		{"ballistic", anomalousDefaults(Ballistic), 200, 1},
	}
	for _, c := range cases {
		a, err := NewAnomalous(c.p, 7)
		if err != nil {
			t.Fatal(err)
		}
		for range c.steps {
			a.Step()
		}
		want, _ := c.p.AlphaTheory()
		f, ok := a.FitAlpha(c.tmin, 0, false)
		t.Logf("%-15s α = %.3f ± %.3f stat ± %.3f drift (theory %.3f, off by %.1f stat errors)", c.name, f.Alpha, f.SE, f.Sys, want, math.Abs(f.Alpha-want)/f.SE)
		if !ok || math.IsNaN(f.SE) || math.Abs(f.Alpha-want) > 4*f.SE+f.Sys+1e-9 {
			t.Errorf("%s: α = %.3f ± %.3f ± %.3f, theory %.3f", c.name, f.Alpha, f.SE, f.Sys, want)
		}
	}
}

// Brownian motion is ergodic: the time-averaged MSD of single tracks
// scatters little (EB ≈ (4/3)Δ/T). The CTRW with power-law waits is not:
// at α = 0.3, 0.5 and 0.8 the measured EB agrees, within four combined
// standard errors, with the finite-T expectation EBFinite (which lies
// above the asymptote 2Γ²(1+α)/Γ(1+2α) − 1 and converges to it slowly);
// and the time average is linear in the lag.
func TestErgodicityBreaking(t *testing.T) {
	p := anomalousDefaults(CTRW)
	p.Wait = WaitExp
	a, _ := NewAnomalous(p, 9)
	for range 2000 {
		a.Step()
	}
	if eb, _, ok := a.EB(); !ok || eb > 0.05 {
		t.Errorf("Brownian EB = %.3f", eb)
	}
	const T = 5000
	for _, alpha := range []float64{0.3, 0.5, 0.8} {
		p := anomalousDefaults(CTRW)
		p.Alpha, p.Walkers, p.Length = alpha, 2000, T
		want, wse := EBFinite(alpha, T, EBLag, 40000, 3)
		asym, _, _ := p.EBTheory()
		for _, seed := range []uint64{9, 10} {
			a, _ := NewAnomalous(p, seed)
			for range T {
				a.Step()
			}
			eb, se, _ := a.EB()
			tol := 4 * math.Hypot(se, wse)
			t.Logf("CTRW α = %.1f seed %d: EB = %.3f ± %.3f, finite-T expectation %.3f ± %.3f, asymptote %.3f",
				alpha, seed, eb, se, want, wse, asym)
			if math.IsNaN(se) || math.Abs(eb-want) > tol {
				t.Errorf("α = %.1f seed %d: EB = %.3f ± %.3f, want %.3f ± %.3f", alpha, seed, eb, se, want, wse)
			}
			if !(want > asym) {
				t.Errorf("α = %.1f: finite-T expectation %.3f not above the asymptote %.3f", alpha, want, asym)
			}
		}
	}
	// the time average grows linearly in the lag although the ensemble
	// MSD grows as t^0.5
	p = anomalousDefaults(CTRW)
	a, _ = NewAnomalous(p, 9)
	for range 5000 {
		a.Step()
	}
	lags := []int{10, 20, 40, 80, 160}
	var lx, ly []float64
	for k := range a.TrackX {
		for j, v := range a.TAMSD(k, lags) {
			if v > 0 {
				lx, ly = append(lx, math.Log(float64(lags[j]))), append(ly, math.Log(v))
			}
		}
	}
	if s := slope(lx, ly); math.Abs(s-1) > 0.15 {
		t.Errorf("TAMSD slope in the lag %.2f, want 1", s)
	}
}

// The finite-T expectation approaches the asymptote as T grows (α = 0.5),
// and for α = 1 (exponential waits, ergodic) it is near zero.
func TestEBFiniteConverges(t *testing.T) {
	p := anomalousDefaults(CTRW)
	asym, _, _ := p.EBTheory()
	prev := math.Inf(1)
	for _, T := range []int{1000, 10000, 100000} {
		eb, se := EBFinite(0.5, T, EBLag, 4000, 1)
		t.Logf("α = 0.5, T = %d: EB %.3f ± %.3f (asymptote %.3f)", T, eb, se, asym)
		if !(eb < prev+3*se) || !(eb > asym-4*se) {
			t.Errorf("T = %d: EB %.3f ± %.3f, previous %.3f, asymptote %.3f", T, eb, se, prev, asym)
		}
		prev = eb
	}
	if eb, se := EBFinite(1, 10000, EBLag, 2000, 1); eb > 0.02+4*se {
		t.Errorf("α = 1: EB %.4f ± %.4f, want ≈ 0", eb, se)
	}
	// Lévy-flight jumps: no value, and a reason
	p.Jump, p.Mu = JumpLevy, 1.5
	if _, ok, why := p.EBTheory(); ok || why == "" {
		t.Errorf("Lévy flights: EBTheory ok=%v why=%q", ok, why)
	}
}

// Nothing infinite or NaN comes out at the ends of the ranges.
func TestAnomalousExtremes(t *testing.T) {
	for _, p := range []AnomalousParams{
		func() AnomalousParams {
			p := anomalousDefaults(CTRW)
			p.Jump, p.Mu, p.Alpha = JumpLevy, 0.2, 0.05
			return p
		}(),
		func() AnomalousParams { p := anomalousDefaults(CTRW); p.Jump, p.Mu, p.Alpha = JumpLevy, 2, 1; return p }(),
		func() AnomalousParams { p := anomalousDefaults(LevyWalk); p.Mu = 1; return p }(),
		func() AnomalousParams { p := anomalousDefaults(Crowded); p.Density = 0.6; return p }(),
		func() AnomalousParams { p := anomalousDefaults(FBM); p.Hurst, p.Length = 0.95, 16; return p }(),
		func() AnomalousParams { p := anomalousDefaults(FBM); p.Hurst, p.Noise = 0.05, 10; return p }(),
	} {
		p.Walkers = 300
		p.Length = min(p.Length, 1024)
		a, err := NewAnomalous(p, 1)
		if err != nil {
			t.Fatal(err)
		}
		for range 300 {
			a.Step()
		}
		for i := range a.T {
			if !finite(a.MSD[i], a.Robust[i]) {
				t.Fatalf("%+v: MSD %v, robust %v at t = %v", p, a.MSD[i], a.Robust[i], a.T[i])
			}
		}
		if f, ok := a.FitAlpha(1, 0, false); ok && !finite(f.Alpha, f.Sys) {
			t.Fatalf("%+v: α = %+v", p, f)
		}
	}
}

func finite(fs ...float64) bool {
	for _, f := range fs {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
	}
	return true
}

func BenchmarkCTRWStep10k(b *testing.B) {
	p := anomalousDefaults(CTRW)
	p.Walkers = 10000
	a, _ := NewAnomalous(p, 1)
	b.ResetTimer()
	for range b.N {
		a.Step()
	}
}

func BenchmarkFBM10kPoints(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range b.N {
		FGN(rng, 10000, 0.7)
	}
}

// Crowding: free walk at ρ = 0 (MSD = t exactly in mean), normal at low
// density, clearly subdiffusive at the percolation threshold.
func TestCrowdedLattice(t *testing.T) {
	fitAt := func(rho float64) (float64, float64) {
		p := anomalousDefaults(Crowded)
		p.Density = rho
		a, _ := NewAnomalous(p, 11)
		for range 1000 {
			a.Step()
		}
		f, _ := a.FitAlpha(30, 0, false)
		return f.Alpha, f.SE
	}
	if al, se := fitAt(0); math.Abs(al-1) > 4*se {
		t.Errorf("ρ = 0: α = %.3f ± %.3f", al, se)
	}
	if al, se := fitAt(0.1); math.Abs(al-1) > 4*se+0.03 {
		t.Errorf("ρ = 0.1: α = %.3f ± %.3f", al, se)
	}
	al, se := fitAt(PercolationObstacles)
	t.Logf("ρ = ρ_c: α = %.3f ± %.3f", al, se)
	if al > 0.85 {
		t.Errorf("ρ = ρ_c: α = %.3f ± %.3f, want subdiffusion", al, se)
	}
}

// Single tracks: Brownian ones give α ≈ 1 from their time average; noise
// flattens the short lags and biases the single-track α low.
func TestTrackAlphaAndNoise(t *testing.T) {
	p := anomalousDefaults(CTRW)
	p.Wait, p.Walkers = WaitExp, 50
	mean := func(noise float64) float64 {
		p.Noise = noise
		a, _ := NewAnomalous(p, 4)
		for range 2000 {
			a.Step()
		}
		var s float64
		for k := range a.TrackX {
			al, ok := a.TrackAlpha(k)
			if !ok {
				t.Fatal("no track α")
			}
			s += al
		}
		return s / float64(len(a.TrackX))
	}
	clean, noisy := mean(0), mean(2)
	t.Logf("single-track α: %.3f clean, %.3f with noise 2", clean, noisy)
	if math.Abs(clean-1) > 0.1 || noisy > clean-0.2 {
		t.Errorf("single-track α %.3f clean, %.3f noisy", clean, noisy)
	}
}

// The laws the anomalous screen draws are densities: each integrates to
// about 1 over its grid (log-spaced; the tails past it hold the rest).
func TestAnomalousLawsAreDensities(t *testing.T) {
	for _, p := range []AnomalousParams{
		{Model: CTRW, Wait: WaitExp, Jump: JumpGauss},
		{Model: CTRW, Wait: WaitPower, Alpha: 0.5, Jump: JumpLevy, Mu: 1.5},
	} {
		wait, jump := p.Laws()
		for name, c := range map[string][2][]float64{"wait": wait, "jump": jump} {
			xs, ys := c[0], c[1]
			var s float64
			for i := 1; i < len(xs); i++ {
				s += (xs[i] - xs[i-1]) * (ys[i] + ys[i-1]) / 2
			}
			if s < 0.9 || s > 1.02 {
				t.Errorf("%+v: %s law integrates to %.3f over its grid", p, name, s)
			}
		}
	}
}
