package sims

import (
	"math"
	"testing"
)

func defaultScallop(open, close float64) ScallopParams {
	return ScallopParams{Plate: 1, Theta0: 0.3, Theta1: 1.6, Open: open, Close: close, Mass: 1, Drag: 1}
}

// The scallop theorem, as a result of resistive force theory on the hinged
// plates: at R ≪ 1 a reciprocal stroke's net displacement per cycle is zero
// to 1e-9 of the plate whatever the speed ratio, also when the plates
// stretch in step with the opening; the same stroke with inertia moves; and
// a non-reciprocal stroke of the same model (the stretch lagging the
// opening: a loop in shape space) moves at R ≪ 1, one way or the other
// with the sign of the lag.
func TestScallopTheorem(t *testing.T) {
	cycles := func(p ScallopParams, n int) *Scallop {
		s, err := NewScallop(p)
		if err != nil {
			t.Fatal(err)
		}
		for range n * StepsPerCycle {
			s.Step()
		}
		if len(s.PerLow) != n {
			t.Fatalf("%d cycles recorded", len(s.PerLow))
		}
		return s
	}
	for _, c := range []struct {
		open, close, stretch float64
	}{{1, 1, 0}, {4, 1, 0}, {1, 4, 0}, {10, 0.5, 0}, {3, 1, 0.4}, {1, 7, 0.6}} {
		p := defaultScallop(c.open, c.close)
		p.Stretch = c.stretch
		s := cycles(p, 5)
		for k, d := range s.PerLow {
			if math.Abs(d) > 1e-9*p.Plate {
				t.Errorf("open %v close %v stretch %v, cycle %d: low-R displacement %g", c.open, c.close, c.stretch, k, d)
			}
		}
		last := s.PerHigh[len(s.PerHigh)-1]
		t.Logf("open %v close %v stretch %v: low-R per cycle %.1e, high-R %.4g", c.open, c.close, c.stretch, s.PerLow[4], last)
		if c.open != c.close && math.Abs(last) < 1e-3*p.Plate {
			t.Errorf("open %v close %v: high-R scallop did not move (%g)", c.open, c.close, last)
		}
	}
	var moved [2]float64
	for i, lag := range []float64{0.25, 0.75} {
		p := defaultScallop(1, 1)
		p.Stretch, p.Lag = 0.5, lag
		s := cycles(p, 3)
		moved[i] = s.PerLow[2]
		t.Logf("non-reciprocal, lag %.2f: low-R displacement per cycle %.4g", lag, moved[i])
		if p.Reciprocal() || math.Abs(moved[i]) < 5e-3*p.Plate {
			t.Errorf("lag %.2f: low-R displacement per cycle %g", lag, moved[i])
		}
	}
	if moved[0]*moved[1] >= 0 || math.Abs(moved[0]+moved[1]) > 1e-9 {
		t.Errorf("reversing the loop should reverse the motion: %g, %g", moved[0], moved[1])
	}
}

// The low-R velocity against a direct resistive-force sum: the plates cut
// into segments, each segment's drag from its own velocity, and Ẋ found
// from the force balance (linear in Ẋ).
func TestScallopRFT(t *testing.T) {
	p := defaultScallop(1.3, 0.7)
	p.Stretch, p.Lag = 0.4, 0.2
	for _, tm := range []float64{0.1, 0.5, 0.9, 1.4, 1.9} {
		th, dth, l, dl := p.Shape(tm)
		tx, ty := -math.Cos(th/2), math.Sin(th/2)
		nx, ny := math.Sin(th/2), math.Cos(th/2)
		force := func(X float64) float64 { // x force of the upper plate
			const n = 1000
			var f float64
			for k := range n {
				sg := (float64(k) + 0.5) / n
				ux := X + sg*dl*tx + sg*l*dth/2*nx
				uy := sg*dl*ty + sg*l*dth/2*ny
				ut, un := ux*tx+uy*ty, ux*nx+uy*ny
				f += (-ut*tx - zetaRatio*un*nx) * l / n
			}
			return f
		}
		f0, f1 := force(0), force(1)
		want := -f0 / (f1 - f0)
		if got := p.LowRate(tm); math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
			t.Errorf("t = %.1f: Ẋ = %.8g, segment sum %.8g", tm, got, want)
		}
	}
}

func swimmer(phase float64) SwimmerParams {
	return SwimmerParams{A: 0.05, L: 1, D1: 0.1, D2: 0.1, Omega: 2 * math.Pi, Phase: phase}
}

// The three-sphere swimmer goes nowhere at φ = 0 and moves at the
// small-amplitude speed (7/24)·a·d₁d₂·ω·sin φ/L² (Golestanian and Ajdari
// 2008) up to the higher-order correction V/V₀ − 1 ≈ 0.76·a/L + 0.8·(d/L)²
// (the 4.6% at a = 0.05L, d = 0.1L), measured here to 1.5e-3 across φ and
// sizes; as a/L and d/L → 0 the ratio approaches 1 within 1%.
func TestThreeSphere(t *testing.T) {
	v, err := MeanSpeed(swimmer(0))
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(v) > 1e-10 {
		t.Errorf("φ = 0: speed %g", v)
	}
	for _, c := range []struct{ a, d, phi float64 }{
		{0.05, 0.1, 0.3}, {0.05, 0.1, 1}, {0.05, 0.1, math.Pi / 2}, {0.05, 0.1, 2.5}, {0.05, 0.1, -1},
		{0.02, 0.05, 1}, {0.01, 0.1, 2}, {0.005, 0.02, 1}, {0.002, 0.01, -2},
	} {
		p := SwimmerParams{A: c.a, L: 1, D1: c.d, D2: c.d, Omega: 2 * math.Pi, Phase: c.phi}
		v, _ := MeanSpeed(p)
		r := v / p.SpeedFormula()
		corr := 0.76*c.a + 0.8*c.d*c.d
		t.Logf("a/L %.3f d/L %.2f φ = %.2f: V/V₀ = %.5f, 1 + correction %.5f", c.a, c.d, c.phi, r, 1+corr)
		if math.Abs(r-1-corr) > 1.5e-3 {
			t.Errorf("a/L %.3f d/L %.2f φ = %.2f: V/V₀ = %.5f, want %.5f", c.a, c.d, c.phi, r, 1+corr)
		}
		if c.a <= 0.005 && c.d <= 0.02 && math.Abs(r-1) > 0.01 {
			t.Errorf("a/L %.3f d/L %.2f: V/V₀ = %.5f, want within 1%% of 1", c.a, c.d, r)
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
	// Purcell's figures beside the realistic ones
	for _, c := range []struct {
		name   string
		lo, hi float64
	}{{"person", 1e6, 3e6}, {"person-purcell", 1e4, 1e4}, {"goldfish", 3e3, 3e4}, {"goldfish-purcell", 100, 100}} {
		var sw Swimmer
		for _, s := range Swimmers {
			if s.Name == c.name {
				sw = s
			}
		}
		r := Reynolds(sw.L, sw.U, sw.Density, water.Density, water.Eta)
		if !(r.R >= c.lo*(1-1e-9) && r.R <= c.hi*(1+1e-9)) || r.Viscous {
			t.Errorf("%s: R = %g, want %g..%g", c.name, r.R, c.lo, c.hi)
		}
	}
	// the drag correlation: Stokes at small R, about 0.47 in the Newton
	// regime (10³..10⁵), the drag crisis past 3·10⁵
	if cd := SphereDrag(1e-3); math.Abs(cd*1e-3/24-1) > 1e-3 {
		t.Errorf("C_d(1e-3) = %g, Stokes %g", cd, 24e3)
	}
	for _, R := range []float64{2e3, 1e4, 1e5} {
		if cd := SphereDrag(R); cd < 0.38 || cd > 0.52 {
			t.Errorf("C_d(%g) = %.3f, want about 0.4-0.5", R, cd)
		}
	}
	if SphereDrag(5e5) > 0.6*SphereDrag(1e5) {
		t.Errorf("no drag crisis: C_d(5e5) = %.3f, C_d(1e5) = %.3f", SphereDrag(5e5), SphereDrag(1e5))
	}
	// coasting with a constant C_d has a closed form: half speed after
	// ln2/k, k = ½·C_d·ρ·A/m; at R ≈ 10⁴..10⁵, where C_d hardly varies, the
	// integral lands near it
	person := Reynolds(1, 0.1, 1000, water.Density, water.Eta) // R = 10⁵
	k := 0.5 * person.Cd * 1000 * math.Pi * 0.25 / (1000 * 4 / 3 * math.Pi * 0.125)
	if want := math.Ln2 / k; math.Abs(person.CoastX-want) > 0.05*want {
		t.Errorf("coasts %g m, constant-C_d estimate %g", person.CoastX, want)
	}
	S, out := PurcellS(30e-6, 1e-6, 1e-9)
	if !rel(S, 0.03) || !rel(out, 1e-9/30e-6) {
		t.Errorf("S = %g, outrun %g", S, out)
	}
}

// The persistent walk's MSD is ballistic at short times and 4·D·t, less
// the persistence offset, at long ones.
func TestRunTumbleMSDTheory(t *testing.T) {
	p := RunTumbleParams{V: 20, Tau: 1, Tumble: TumbleEcoli, Cells: 10, Dt: 0.1}
	tp := p.Persistence()
	if got, want := p.MSDTheory(1e-4*tp), p.V*p.V*1e-8*tp*tp; math.Abs(got/want-1) > 1e-3 {
		t.Errorf("short times: %v, ballistic %v", got, want)
	}
	T := 1e4 * tp
	if got, want := p.MSDTheory(T), 2*Dim*p.DTheory()*(T-tp); math.Abs(got/want-1) > 1e-9 {
		t.Errorf("long times: %v, diffusive %v", got, want)
	}
}
