package sims

import (
	"math"
	"strings"
	"testing"
)

func defaults(mode string, walkers int) DiffusionParams {
	return DiffusionParams{Mode: mode, Walkers: walkers, D: 1, Dt: 0.1, A: 1, Mass: 1, Gamma: 1}
}

func run(t *testing.T, p DiffusionParams, seed uint64, steps int) *Diffusion {
	t.Helper()
	d, err := NewDiffusion(p, seed)
	if err != nil {
		t.Fatal(err)
	}
	for range steps {
		d.Step()
	}
	return d
}

// The fitted slope of MSD against t is 2·d·D within four standard errors
// (block standard error over 20 independent sub-ensembles) in every mode,
// on several seeds.
func TestFittedDiffusionCoefficient(t *testing.T) {
	for _, mode := range DiffusionModes {
		for _, seed := range []uint64{1, 2, 3} {
			p := defaults(mode, 10000)
			p.Mass, p.Gamma = 0.5, 2 // τ = 0.25: the fit starts at 10τ
			d := run(t, p, seed, 500)
			tmin := 10 * p.Tau()
			D, se, ok := d.FitD(tmin)
			if !ok {
				t.Fatalf("%s: no fit", mode)
			}
			want := p.DEff()
			t.Logf("%-8s seed %d: D = %.4f ± %.4f (theory %.4f)", mode, seed, D, se, want)
			if math.Abs(D-want) > 4*se || se > 0.02*want {
				t.Errorf("%s seed %d: D = %.4f ± %.4f, want %.4f", mode, seed, D, se, want)
			}
		}
	}
}

// The fit must notice a wrong D: the same walkers judged against twice the
// coefficient fail by many standard errors.
func TestFitDetectsWrongD(t *testing.T) {
	d := run(t, defaults(Gauss, 2000), 1, 1000)
	D, se, _ := d.FitD(0)
	if math.Abs(D-2) < 4*se {
		t.Fatalf("D = %.3f ± %.3f is not distinguishable from 2", D, se)
	}
}

// Lattice walk: each axis moves ±a per step, so MSD = 2·a²·n exactly in mean.
func TestLatticeMSDPerStep(t *testing.T) {
	p := defaults(Lattice, 4000)
	d := run(t, p, 5, 400)
	m, se := d.MSD()
	want := p.MSDTheory(d.T())
	if math.Abs(m-want) > 4*se {
		t.Fatalf("MSD = %.1f ± %.1f, want %.1f", m, se, want)
	}
	if want != 2*400 {
		t.Fatalf("theory %v, want 800", want)
	}
}

// Langevin: ballistic d·(kT/m)·t² for t ≪ τ and 2dD(t − τ) for t ≫ τ, at
// every step within four standard errors of the ensemble mean.
func TestLangevinMSD(t *testing.T) {
	p := defaults(Langevin, 4000)
	p.Mass, p.Gamma, p.Dt = 10, 1, 0.05 // τ = 10
	d, err := NewDiffusion(p, 11)
	if err != nil {
		t.Fatal(err)
	}
	kTm := p.D * p.Gamma / p.Mass
	for n := 1; n <= 20; n++ { // t ≤ 1 = τ/10
		d.Step()
		m, se := d.MSD()
		tt := d.T()
		if want := p.MSDTheory(tt); math.Abs(m-want) > 4*se {
			t.Fatalf("t=%.2f: MSD = %.5f ± %.5f, formula %.5f", tt, m, se, want)
		}
		// and the formula itself is ballistic there
		if ball := Dim * kTm * tt * tt; math.Abs(p.MSDTheory(tt)-ball) > 0.04*ball {
			t.Fatalf("t=%.2f: formula %.5f not ballistic %.5f", tt, p.MSDTheory(tt), ball)
		}
	}
	for d.T() < 50*p.Tau() { // t ≫ τ
		d.Step()
	}
	m, se := d.MSD()
	tt := d.T()
	if want := 2 * Dim * p.D * (tt - p.Tau()); math.Abs(m-want) > 4*se {
		t.Fatalf("t=%.0f: MSD = %.1f ± %.1f, 2dD(t−τ) = %.1f", tt, m, se, want)
	}
}

// Through the crossover t ~ τ with a coarse step dt = τ/2 the exact update
// still matches the formula at every step (Euler–Maruyama would not).
func TestLangevinCrossover(t *testing.T) {
	p := defaults(Langevin, 10000)
	p.Mass, p.Gamma, p.Dt = 1, 1, 0.5
	d, err := NewDiffusion(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	for range 12 {
		d.Step()
		m, se := d.MSD()
		if want := p.MSDTheory(d.T()); math.Abs(m-want) > 4*se {
			t.Fatalf("t = %.1f: MSD = %.3f ± %.3f, want %.3f", d.T(), m, se, want)
		}
	}
}

// The x positions pass Pearson's chi-square test against Fick's Gaussian at
// the 0.1% level, in every mode; and a squeezed copy fails it.
func TestProfileMatchesFick(t *testing.T) {
	for _, mode := range DiffusionModes {
		for _, steps := range []int{99, 400} {
			d := run(t, defaults(mode, 5000), 7, steps)
			chi2, dof, pval := d.Profile(30).ChiSquare()
			t.Logf("%-8s %d steps: chi2 = %.1f, dof %d, p = %.2g", mode, steps, chi2, dof, pval)
			if dof < 10 || pval < 1e-3 {
				t.Errorf("%s after %d steps: chi2 = %.1f, dof %d, p = %.2g", mode, steps, chi2, dof, pval)
			}
		}
	}
	d := run(t, defaults(Gauss, 5000), 7, 400)
	for i := range d.x {
		d.x[i] *= 0.9
	}
	if _, _, pval := d.Profile(30).ChiSquare(); pval > 1e-3 {
		t.Errorf("a 10%% narrower profile passes: p = %.2g", pval)
	}
}

func TestProfileCountsEveryWalker(t *testing.T) {
	d := run(t, defaults(Lattice, 1000), 1, 50)
	p := d.Profile(20)
	var total float64
	for _, c := range p.Count {
		total += c
	}
	if total+p.Below+p.Above != 1000 {
		t.Fatalf("counted %v walkers", total+p.Below+p.Above)
	}
	if len(d.Profile(20).Edges) == 0 {
		t.Fatal("empty profile")
	}
	d0 := run(t, defaults(Gauss, 10), 1, 0)
	if len(d0.Profile(20).Count) != 0 {
		t.Fatal("profile at t=0 should be empty")
	}
}

func TestDeterministic(t *testing.T) {
	for _, mode := range DiffusionModes {
		a := run(t, defaults(mode, 100), 42, 50)
		b := run(t, defaults(mode, 100), 42, 50)
		c := run(t, defaults(mode, 100), 43, 50)
		if a.x[17] != b.x[17] || a.y[99] != b.y[99] {
			t.Errorf("%s: same seed, different walk", mode)
		}
		if a.x[17] == c.x[17] && a.y[99] == c.y[99] {
			t.Errorf("%s: different seeds, same walk", mode)
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []struct {
		p    DiffusionParams
		want string
	}{
		{DiffusionParams{Mode: "x", Walkers: 1, D: 1, Dt: 1}, "mode"},
		{DiffusionParams{Mode: Gauss, Walkers: 0, D: 1, Dt: 1}, "walkers = 0: must be 1..10000"},
		{DiffusionParams{Mode: Gauss, Walkers: 10001, D: 1, Dt: 1}, "walkers"},
		{DiffusionParams{Mode: Gauss, Walkers: 1, D: -1, Dt: 1}, "D = -1"},
		{DiffusionParams{Mode: Gauss, Walkers: 1, D: math.NaN(), Dt: 1}, "D = NaN"},
		{DiffusionParams{Mode: Gauss, Walkers: 1, D: 1, Dt: math.Inf(1)}, "dt = +Inf"},
		{DiffusionParams{Mode: Lattice, Walkers: 1, Dt: 1}, "a = 0"},
		{DiffusionParams{Mode: Langevin, Walkers: 1, D: 1, Dt: 1, Mass: 1}, "gamma = 0"},
	}
	for _, b := range bad {
		err := b.p.Validate()
		if err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%+v: got %v, want %q", b.p, err, b.want)
		}
		if _, err := NewDiffusion(b.p, 1); err == nil {
			t.Errorf("%+v: NewDiffusion accepted it", b.p)
		}
	}
	if err := defaults(Lattice, 1).Validate(); err != nil {
		t.Error(err)
	}
}

// History stays bounded and evenly spaced over a long run.
func TestHistoryThinning(t *testing.T) {
	d := run(t, defaults(Gauss, 20), 1, 5000)
	h := d.History()
	if h.Len() > historyMax || h.Len() < historyMax/2 {
		t.Fatalf("history has %d records", h.Len())
	}
	step := h.T[1] - h.T[0]
	for i := 1; i < h.Len(); i++ {
		if math.Abs(h.T[i]-h.T[i-1]-step) > 1e-9 {
			t.Fatalf("uneven at %d: %v %v", i, h.T[i-1], h.T[i])
		}
	}
}

// A 1 µm sphere in water at 20 °C: D ≈ 0.214 µm²/s.
func TestStokesEinstein(t *testing.T) {
	D := StokesEinstein(293.15, 1.0016e-3, 1e-6) * 1e12
	if math.Abs(D-0.2143) > 0.001 {
		t.Fatalf("D = %.4f µm²/s", D)
	}
	if r := RMSDisplacement(1, 2, 2); r != math.Sqrt(8) {
		t.Fatal(r)
	}
}

func BenchmarkGaussStep10k(b *testing.B) {
	d, _ := NewDiffusion(defaults(Gauss, 10000), 1)
	b.ResetTimer()
	for range b.N {
		d.Step()
	}
	b.ReportMetric(float64(b.N)*10000/b.Elapsed().Seconds()/1e6, "Mwalker-steps/s")
}

// Fick's profile holds every walker and has the theory's variance.
func TestFickProfile(t *testing.T) {
	p := DiffusionParams{Mode: Gauss, Walkers: 300, D: 0.7, Dt: 0.1}
	const T = 3.0
	var n, v float64
	dx := 1e-3
	for x := -40.0; x <= 40; x += dx {
		f := p.Fick(x, T) * dx
		n += f
		v += f * x * x
	}
	if math.Abs(n-300) > 1e-6 || math.Abs(v/n-2*p.D*T) > 1e-6 {
		t.Fatalf("walkers %v, variance %v; want 300 and %v", n, v/n, 2*p.D*T)
	}
}
