package sims

import (
	"math"
	"testing"
)

func defaultScallop(open, close float64) ScallopParams {
	return ScallopParams{A1: 0.5, A2: 0.2, L0: 2, Amp: 1, Open: open, Close: close, Mass: 1, Drag: 1}
}

// The scallop theorem: at R ≪ 1 a reciprocal stroke's net displacement per
// cycle is zero to 1e-9 of the stroke whatever the speed ratio; at R ≫ 1
// the same stroke moves the scallop.
func TestScallopTheorem(t *testing.T) {
	for _, r := range [][2]float64{{1, 1}, {4, 1}, {1, 4}, {10, 0.5}} {
		s, err := NewScallop(defaultScallop(r[0], r[1]))
		if err != nil {
			t.Fatal(err)
		}
		for range 5 * StepsPerCycle {
			s.Step()
		}
		if len(s.PerLow) != 5 {
			t.Fatalf("%d cycles recorded", len(s.PerLow))
		}
		for c, d := range s.PerLow {
			if math.Abs(d) > 1e-9*s.p.Amp {
				t.Errorf("open %v close %v, cycle %d: low-R displacement %g", r[0], r[1], c, d)
			}
		}
		last := s.PerHigh[len(s.PerHigh)-1]
		t.Logf("open %v close %v: high-R displacement per cycle %.4g", r[0], r[1], last)
		if r[0] != r[1] && math.Abs(last) < 1e-3*s.p.Amp {
			t.Errorf("open %v close %v: high-R scallop did not move (%g)", r[0], r[1], last)
		}
	}
}

func swimmer(phase float64) SwimmerParams {
	return SwimmerParams{A: 0.05, L: 1, D1: 0.1, D2: 0.1, Omega: 2 * math.Pi, Phase: phase}
}

// The three-sphere swimmer goes nowhere at φ = 0 and moves at the
// small-amplitude speed (7/24)·a·d₁d₂·ω·sin φ/L² within 10% otherwise.
func TestThreeSphere(t *testing.T) {
	v, err := MeanSpeed(swimmer(0))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(v) > 1e-10 {
		t.Errorf("φ = 0: speed %g", v)
	}
	for _, phi := range []float64{0.3, 1, math.Pi / 2, 2.5, -1} {
		p := swimmer(phi)
		v, _ := MeanSpeed(p)
		want := p.SpeedFormula()
		t.Logf("φ = %.2f: V = %.4g, formula %.4g", phi, v, want)
		if math.Abs(v-want) > 0.1*math.Abs(want) {
			t.Errorf("φ = %.2f: V = %.4g, formula %.4g", phi, v, want)
		}
	}
}

// Run-and-tumble without a gradient: the fitted D matches v²τ/(d(1−⟨cos θ⟩))
// within four block standard errors, for both tumble laws; with a gradient
// the cells drift up it.
func TestRunTumble(t *testing.T) {
	for _, tumble := range Tumbles {
		p := RunTumbleParams{Cells: 4000, V: 1, Tau: 1, Tumble: tumble, Dt: 0.1}
		r, err := NewRunTumble(p, 2)
		if err != nil {
			t.Fatal(err)
		}
		for range 2000 {
			r.Step()
		}
		D, se, ok := r.FitD(20 * p.Tau)
		t.Logf("%s: D = %.4f ± %.4f, theory %.4f", tumble, D, se, p.DTheory())
		if !ok || math.Abs(D-p.DTheory()) > 4*se {
			t.Errorf("%s: D = %.4f ± %.4f, theory %.4f", tumble, D, se, p.DTheory())
		}
	}
	p := RunTumbleParams{Cells: 2000, V: 1, Tau: 1, Tumble: TumbleEcoli, G: 0.01, Gain: 50, Dt: 0.1}
	r, _ := NewRunTumble(p, 3)
	for range 1000 {
		r.Step()
	}
	m, se := r.MeanX()
	t.Logf("gradient: mean x %.2f ± %.2f after t = %v", m, se, r.T())
	if m < 5*se {
		t.Errorf("no drift up the gradient: mean x %.2f ± %.2f", m, se)
	}
}

// The calculator against hand calculations.
func TestReynoldsCalculator(t *testing.T) {
	rel := func(got, want float64) bool { return math.Abs(got-want) <= 1e-9*math.Abs(want) }
	water := Fluids[0]
	ecoli := Swimmers[3]
	c := Reynolds(ecoli.L, ecoli.U, ecoli.Density, water.Density, water.Eta)
	// R = 1000·25e-6·2e-6/1e-3 = 5e-5
	if !rel(c.R, 5e-5) || !c.Viscous {
		t.Errorf("E. coli R = %g", c.R)
	}
	// Stokes drag 6π·1e-3·1e-6·25e-6 = 4.712e-13 N
	if !rel(c.Drag, 6*math.Pi*1e-3*1e-6*25e-6) {
		t.Errorf("drag %g", c.Drag)
	}
	// decay time m/(6πηa) = (2/9)·ρ_b·a²/η = 2.444e-7 s; coast U·τ = 6.1e-12 m (0.06 Å)
	tau := 2.0 / 9 * 1100 * 1e-12 / 1e-3
	if !rel(c.CoastT, tau) || !rel(c.CoastX, 25e-6*tau) || c.CoastX > 1e-10 || c.CoastT > 1e-6 {
		t.Errorf("coast %g m in %g s", c.CoastX, c.CoastT)
	}
	person := Reynolds(Swimmers[0].L, Swimmers[0].U, 1000, water.Density, water.Eta)
	if !rel(person.R, 1e4) || person.Viscous {
		t.Errorf("person R = %g", person.R)
	}
	fish := Reynolds(Swimmers[1].L, Swimmers[1].U, 1000, water.Density, water.Eta)
	if !rel(fish.R, 100) {
		t.Errorf("goldfish R = %g", fish.R)
	}
	// quadratic drag: k = ½·0.5·ρ·πa²/(ρ·(4/3)πa³) = 0.1875/a for equal
	// densities; half speed after ln2/k = 1.85 m for a = 0.5 m
	if want := math.Ln2 / (0.1875 / 0.5); !rel(person.CoastX, want) {
		t.Errorf("person coasts %g m, want %g", person.CoastX, want)
	}
	S, out := PurcellS(30e-6, 1e-6, 1e-9)
	if !rel(S, 0.03) || !rel(out, 1e-9/30e-6) {
		t.Errorf("S = %g, outrun %g", S, out)
	}
}
