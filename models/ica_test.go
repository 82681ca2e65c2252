package models

import (
	"math"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

func icaRun(t *testing.T, p ICAParams, seed uint64, steps int) (*ICA, int) {
	t.Helper()
	c, err := NewICA(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	hit := -1
	for c.Steps < steps && !c.Converged() && !c.Diverged() {
		c.Step()
		if hit < 0 && c.Amari() < 0.05 {
			hit = c.Steps
		}
	}
	return c, hit
}

func laplace(n int, alg string) ICAParams {
	return ICAParams{Sources: n, Kind: SrcLaplace, Algorithm: alg, Contrast: "logcosh", Condition: 10, Samples: 5000, Batch: 100, Rate: 0.02}
}

func TestAmariIndex(t *testing.T) {
	P := mat.NewDense(3, 3, []float64{0, 2, 0, 0, 0, -0.5, 7, 0, 0})
	if a := Amari(P); a != 0 {
		t.Errorf("a scaled permutation: %g", a)
	}
	J := mat.NewDense(3, 3, []float64{1, 1, 1, 1, 1, 1, 1, 1, 1})
	if a := Amari(J); math.Abs(a-1) > 1e-12 {
		t.Errorf("all equal: %g, want 1", a)
	}
}

// The generators give the kurtosis of their laws (to the sampling error
// of 200 000 samples).
func TestSourceKurtosis(t *testing.T) {
	for kind, want := range map[string]float64{SrcLaplace: 3, SrcUniform: -1.2, SrcSine: -1.5, SrcSquare: -2, SrcSawtooth: -1.2, SrcGauss: 0} {
		c, err := NewICA(ICAParams{Sources: 2, Kind: kind, Algorithm: ICANatural, Contrast: "logcosh", Condition: 1, Samples: 200000, Batch: 100, Rate: 0.02}, 3)
		if err != nil {
			t.Fatal(err)
		}
		tol := 0.02
		if kind == SrcLaplace {
			tol = 0.3 // its kurtosis has a large variance (24/n·... of the 8th moment)
		}
		for i := range 2 {
			if k := ExcessKurtosis(c.S.RawRowView(i)); math.Abs(k-want) > tol {
				t.Errorf("%s: kurtosis %.3f, want %g", kind, k, want)
			}
		}
	}
}

// Natural-gradient infomax and FastICA separate 2, 5 and 10 Laplacian
// sources to an Amari index below 0.05.
func TestICASeparatesLaplacians(t *testing.T) {
	for _, alg := range []string{ICANatural, ICAFast} {
		for _, n := range []int{2, 5, 10} {
			for seed := uint64(1); seed <= 3; seed++ {
				start := time.Now()
				c, hit := icaRun(t, laplace(n, alg), seed, 10000)
				t.Logf("%s, %d sources, seed %d: Amari below 0.05 after %d updates (%v in all); %.4f after %d", alg, n, seed, hit, time.Since(start).Round(time.Millisecond), c.Amari(), c.Steps)
				if hit < 0 || c.Amari() >= 0.05 {
					t.Errorf("%s, %d sources, seed %d: Amari %.4f after %d updates", alg, n, seed, c.Amari(), c.Steps)
				}
			}
		}
	}
}

// Equivariance: at one seed, the natural gradient's path of C does not
// depend on A (condition 1 and 10⁴ agree to 1e-6); the plain gradient's
// does, and it slows as A gets worse.
func TestNaturalGradientEquivariance(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		var paths [2][]float64
		for k, cond := range []float64{1, 1e4} {
			p := laplace(5, ICANatural)
			p.Condition = cond
			c, _ := NewICA(p, seed)
			for c.Steps < 2000 {
				c.Step()
				paths[k] = append(paths[k], c.Amari())
			}
		}
		worst := 0.0
		for i := range paths[0] {
			worst = math.Max(worst, math.Abs(paths[0][i]-paths[1][i]))
		}
		t.Logf("seed %d: natural gradient, Amari paths at condition 1 and 10⁴ differ by at most %.1e over 2000 updates", seed, worst)
		if worst > 1e-6 {
			t.Errorf("seed %d: natural gradient, condition 1 and 10⁴ differ by %.2e", seed, worst)
		}
		if paths[0][len(paths[0])-1] > 0.05 {
			t.Errorf("seed %d: the natural gradient did not separate", seed)
		}
	}
	// the plain gradient: updates to reach 0.1 at growing condition
	prev := 0
	for _, cond := range []float64{1, 2, 5, 10} {
		p := laplace(5, ICAInfomax)
		p.Condition = cond
		c, _ := NewICA(p, 1)
		hit := -1
		for c.Steps < 20000 && !c.Diverged() {
			c.Step()
			if c.Amari() < 0.1 {
				hit = c.Steps
				break
			}
		}
		t.Logf("plain gradient, condition %g: %d updates to Amari 0.1 (−1: not in 20000)", cond, hit)
		if hit >= 0 && hit < prev || prev < 0 && hit >= 0 {
			t.Errorf("condition %g: %d updates, fewer than at the better conditioned %d", cond, hit, prev)
		}
		if cond == 1 && hit < 0 {
			t.Error("the plain gradient does not separate at condition 1")
		}
		prev = hit
		if hit < 0 {
			prev = -1
		}
	}
	if prev >= 0 {
		t.Error("the plain gradient reached 0.1 at condition 10 within 20000 updates: it should slow with A")
	}
}

// Logistic infomax cannot separate sub-Gaussian (uniform) sources; the
// extended rule can, and says which outputs are sub-Gaussian.
func TestExtendedInfomaxSubGaussian(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		p := laplace(4, ICANatural)
		p.Kind = SrcUniform
		c, _ := icaRun(t, p, seed, 5000)
		if c.Amari() < 0.2 {
			t.Errorf("seed %d: logistic infomax reached %.3f on uniform sources", seed, c.Amari())
		}
		p.Algorithm = ICAExtended
		e, hit := icaRun(t, p, seed, 10000)
		t.Logf("seed %d: logistic %.3f, extended %.4f (below 0.05 after %d)", seed, c.Amari(), e.Amari(), hit)
		if e.Amari() >= 0.05 {
			t.Errorf("seed %d: extended infomax %.3f on uniform sources", seed, e.Amari())
		}
		for i, k := range e.K {
			if k != -1 {
				t.Errorf("seed %d: output %d switched to super-Gaussian on uniform sources", seed, i)
			}
		}
	}
}

// Five Gaussian sources: nothing separates them; the final C is a rotation
// of the whitened data, whose Amari index is what a random rotation's is
// (for 5×5 Haar rotations: median 0.41, 1% below 0.22). Two Gaussians end
// at a rotation that changes with the seed.
func TestGaussiansCannotBeUnmixed(t *testing.T) {
	for _, alg := range []string{ICANatural, ICAExtended, ICAFast, ICAInfomax} {
		sum, low := 0.0, 1.0
		const seeds = 8
		for seed := uint64(1); seed <= seeds; seed++ {
			p := laplace(5, alg)
			p.Kind = SrcGauss
			c, _ := icaRun(t, p, seed, 3000)
			sum += c.Amari()
			low = math.Min(low, c.Amari())
		}
		t.Logf("%s: 5 Gaussians end at Amari %.3f on average, %.3f at lowest, over %d seeds", alg, sum/seeds, low, seeds)
		if sum/seeds < 0.3 || low < 0.15 {
			t.Errorf("%s separated Gaussians: mean Amari %.3f, lowest %.3f", alg, sum/seeds, low)
		}
	}
	var angles []float64
	for seed := uint64(1); seed <= 4; seed++ {
		p := laplace(2, ICAFast)
		p.Kind = SrcGauss
		c, _ := icaRun(t, p, seed, 50)
		angles = append(angles, math.Mod(ICAAngle(c)*180/math.Pi+360, 90))
	}
	spread := 0.0
	for _, a := range angles {
		spread = math.Max(spread, math.Abs(a-angles[0]))
	}
	t.Logf("two Gaussians, FastICA's angle in the whitened plane by seed: %.1f°", angles)
	if spread < 5 {
		t.Errorf("the final rotation of two Gaussians hardly depends on the seed: %v", angles)
	}
}

// FastICA: the change per iteration falls quadratically near the solution
// (each gap below 30 times the square of the last) until it reaches the
// sampling error: FastICA's step is Newton's only where the sources are
// exactly independent, and M samples are so only to O(1/√M). Below that
// it falls linearly, at a rate that shrinks with M (M 5000: about 1e-2 a
// step, quadratic only down to about 1e-3; M 80 000: quadratic from 1e-2
// to 1e-5, then about 5e-4 a step).
func TestFastICAConvergence(t *testing.T) {
	rate := map[int]float64{}
	for _, m := range []int{5000, 80000} {
		for seed := uint64(1); seed <= 3; seed++ {
			p := laplace(5, ICAFast)
			p.Samples = m
			c, _ := NewICA(p, seed)
			var gaps []float64
			for !c.Converged() && c.Steps < 200 {
				c.Step()
				gaps = append(gaps, c.Gap)
			}
			t.Logf("M %d seed %d: %.2e", m, seed, gaps)
			if !c.Converged() {
				t.Fatalf("M %d seed %d: not converged in 200 iterations", m, seed)
			}
			quad := 0
			for k := 1; k < len(gaps) && m == 80000; k++ {
				// with 80 000 samples the sampling error lies below 1e-5
				if gaps[k-1] < 1e-2 && gaps[k-1] > 1e-5 {
					if gaps[k] > 30*gaps[k-1]*gaps[k-1] {
						t.Errorf("M %d seed %d: gap %.2e after %.2e: slower than quadratic", m, seed, gaps[k], gaps[k-1])
					}
					quad++
				}
			}
			if quad == 0 && m == 80000 {
				t.Errorf("M %d seed %d: no iteration in the quadratic range", m, seed)
			}
			n := len(gaps)
			rate[m] += math.Sqrt(gaps[n-1]/gaps[n-3]) / 3 // the last steps' mean ratio
		}
	}
	t.Logf("linear rate at the end: M 5000 %.2e, M 80000 %.2e", rate[5000], rate[80000])
	if rate[80000] > rate[5000]/2 {
		t.Errorf("the final rate %.2e at M 80000 is not well below %.2e at M 5000", rate[80000], rate[5000])
	}
}

// Patches: the ICA filters' responses are sparser (higher kurtosis) than
// the PCA filters', and the filters more localised (a larger inverse
// participation ratio).
func TestPatchFilters(t *testing.T) {
	for seed := uint64(1); seed <= 2; seed++ {
		ps, err := NewPatches(PatchParams{Size: 8, Patches: 5000}, Grey{}, seed)
		if err != nil {
			t.Fatal(err)
		}
		for !ps.Converged() && ps.Iter < 300 {
			ps.Step()
		}
		pk, pl := ps.FilterStats(ps.PCAFilters())
		ik, il := ps.FilterStats(ps.ICAFilters())
		mean := func(v []float64) float64 {
			s := 0.0
			for _, x := range v {
				s += x
			}
			return s / float64(len(v))
		}
		t.Logf("seed %d, %d iterations: kurtosis ICA %.2f PCA %.2f; locality ICA %.3f PCA %.3f (flat: %.3f)", seed, ps.Iter, mean(ik), mean(pk), mean(il), mean(pl), 1.0/64)
		if !ps.Converged() || mean(ik) < 2*mean(pk) || mean(il) < 3*mean(pl) {
			t.Errorf("seed %d: kurtosis ICA %.2f PCA %.2f, locality ICA %.3f PCA %.3f", seed, mean(ik), mean(pk), mean(il), mean(pl))
		}
	}
}

func TestICAValidation(t *testing.T) {
	for _, p := range []ICAParams{
		{Sources: 1, Kind: SrcLaplace, Algorithm: ICANatural, Contrast: "logcosh", Condition: 1, Samples: 1000, Batch: 10, Rate: 0.1},
		{Sources: 2, Kind: SrcLaplace, Algorithm: ICANatural, Contrast: "logcosh", Condition: 0.5, Samples: 1000, Batch: 10, Rate: 0.1},
		{Sources: 2, Kind: SrcLaplace, Algorithm: ICANatural, Contrast: "logcosh", Condition: 1, Samples: 1000, Batch: 2000, Rate: 0.1},
		{Sources: 2, Kind: "x", Algorithm: ICANatural, Contrast: "logcosh", Condition: 1, Samples: 1000, Batch: 10, Rate: 0.1},
	} {
		if _, err := NewICA(p, 1); err == nil {
			t.Errorf("%+v accepted", p)
		}
	}
	// a step too large diverges and says so, without NaN
	p := laplace(3, ICAInfomax)
	p.Rate, p.Condition = 1, 1e4
	c, _ := icaRun(t, p, 1, 500)
	if a := c.Amari(); math.IsNaN(a) || a < 0 || a > 1 {
		t.Errorf("Amari %v after a divergence", a)
	}
}
