package sims

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Swimmer is a swimmer of the Reynolds calculator: its size and speed.
type Swimmer struct {
	Name    string
	L, U    float64 // length (m) and speed (m/s)
	Density float64 // body density, kg/m³
}

// Fluid is a fluid of the Reynolds calculator.
type Fluid struct {
	Name         string
	Density, Eta float64 // kg/m³, Pa·s
}

// Swimmers and fluids of the calculator. The person and the goldfish use
// Purcell's "reasonable dimensions" for his estimates (R ≈ 10⁴ and 10²).
var (
	Swimmers = []Swimmer{
		{"person", 1, 0.01, 1000},
		{"goldfish", 0.02, 0.005, 1000},
		{"sperm", 50e-6, 50e-6, 1100},
		{"ecoli", 2e-6, 25e-6, 1100},
	}
	Fluids = []Fluid{
		{"water", 1000, 1.0e-3},
		{"syrup", 1260, 1.4}, // glycerol at 20 °C; corn syrup is of the same order
		{"air", 1.2, 1.8e-5},
	}
)

// ReynoldsCalc is what the calculator shows for a swimmer of length L (m)
// and speed U (m/s), body density ρ_b, in a fluid of density ρ and
// viscosity η. The swimmer is taken as a sphere of diameter L.
type ReynoldsCalc struct {
	R        float64 // Reynolds number ρUL/η
	Regime   string
	Drag     float64 // N: Stokes 3πηLU below R = 1, ½·C_d·ρ·A·U² (C_d = 0.5) above
	CoastT   float64 // s: time to stop (Stokes: the decay time m/(3πηL)) or to halve its speed
	CoastX   float64 // m: distance coasted (Stokes: U times the decay time) or to half speed
	Viscous  bool    // Stokes regime
	Nu       float64 // kinematic viscosity η/ρ, m²/s
	DragForm string
}

// Reynolds computes the calculator's figures.
func Reynolds(L, U, bodyDensity, rho, eta float64) ReynoldsCalc {
	c := ReynoldsCalc{R: rho * U * L / eta, Nu: eta / rho}
	a := L / 2
	m := bodyDensity * 4 / 3 * math.Pi * a * a * a
	switch {
	case c.R < 1:
		c.Regime = "viscous: inertia is irrelevant, only the sequence of shapes matters"
	case c.R < 1000:
		c.Regime = "intermediate: both inertia and viscosity matter"
	default:
		c.Regime = "inertial: the swimmer coasts"
	}
	if c.R < 1 {
		c.Viscous = true
		c.Drag = 6 * math.Pi * eta * a * U
		c.CoastT = m / (6 * math.Pi * eta * a) // v(t) = U·e^(−t/τ)
		c.CoastX = U * c.CoastT
		c.DragForm = "Stokes 6πηaU"
		return c
	}
	const cd = 0.5
	k := 0.5 * cd * rho * math.Pi * a * a / m // dv/dt = −k·v²
	c.Drag = 0.5 * cd * rho * math.Pi * a * a * U * U
	c.CoastT = 1 / (k * U) // v(t) = U/(1 + kUt): half speed at t = 1/(kU)
	c.CoastX = math.Ln2 / k
	c.DragForm = "½·C_d·ρ·A·U², C_d = 0.5"
	return c
}

// PurcellS is Purcell's S = vℓ/D (the Péclet number): above 1 swimming a
// distance ℓ beats waiting for molecules of diffusivity D to arrive. It
// also returns the distance D/v the swimmer must cover to outrun diffusion.
func PurcellS(v, l, D float64) (S, outrun float64) { return v * l / D, D / v }

// ScallopParams configures the two-sphere "scallop": spheres of radii A1
// and A2 whose distance opens from L0 to L0+Amp in Open time units and
// closes back in Close.
type ScallopParams struct {
	A1, A2      float64 // radii, 0.05..1
	L0, Amp     float64 // closed length and stroke, > 0
	Open, Close float64 // durations of the two halves, 0.05..20
	Mass        float64 // mass of each sphere (inertial case)
	Drag        float64 // quadratic drag coefficient per unit radius² (inertial case)
}

// Validate names the first bad field.
func (p ScallopParams) Validate() error {
	for _, f := range []struct {
		n      string
		v      float64
		lo, hi float64
	}{{"a1", p.A1, 0.05, 1}, {"a2", p.A2, 0.05, 1}, {"l0", p.L0, 0.1, 10}, {"amplitude", p.Amp, 0.01, 10},
		{"open", p.Open, 0.05, 20}, {"close", p.Close, 0.05, 20}, {"mass", p.Mass, 1e-3, 1e3}, {"drag", p.Drag, 1e-3, 1e3}} {
		if !(f.v >= f.lo && f.v <= f.hi) {
			return fmt.Errorf("%s = %g: must be %g..%g", f.n, f.v, f.lo, f.hi)
		}
	}
	return nil
}

// Period is the duration of one stroke.
func (p ScallopParams) Period() float64 { return p.Open + p.Close }

// shape is the opening s(t) in [0, 1] and its rate: a smooth ramp up over
// Open, then down over Close. The same shapes in reverse: reciprocal.
func (p ScallopParams) shape(t float64) (s, ds float64) {
	t = math.Mod(t, p.Period())
	if t < p.Open {
		u := t / p.Open
		return 0.5 - 0.5*math.Cos(math.Pi*u), 0.5 * math.Pi * math.Sin(math.Pi*u) / p.Open
	}
	u := (t - p.Open) / p.Close
	return 0.5 + 0.5*math.Cos(math.Pi*u), -0.5 * math.Pi * math.Sin(math.Pi*u) / p.Close
}

// Length is the distance between the spheres at time t.
func (p ScallopParams) Length(t float64) float64 {
	s, _ := p.shape(t)
	return p.L0 + p.Amp*s
}

// Scallop moves the same stroke in two fluids: at R ≪ 1 (Stokes drag, no
// inertia: each sphere's drag balances the actuator force) and at R ≫ 1
// (spheres with mass and quadratic drag ½·c·a²·v|v|).
type Scallop struct {
	p       ScallopParams
	T       float64 // time
	k       int     // step within the cycle: the first half opens, the second closes
	X1Low   float64 // left sphere, low R
	X1High  float64 // left sphere, high R
	VHigh   float64 // its velocity, high R
	PHigh   float64 // total momentum, high R
	Cycles  int
	PerLow  []float64 // net displacement of the midpoint per cycle, low R
	PerHigh []float64
	start   [2]float64 // midpoints at the start of the current cycle
}

// StepsPerCycle is the scallop's and the three-sphere swimmer's steps per stroke.
const StepsPerCycle = 200

// NewScallop starts both scallops closed, at rest at the origin.
func NewScallop(p ScallopParams) (*Scallop, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s := &Scallop{p: p}
	s.start = [2]float64{s.MidLow(), s.MidHigh()}
	return s, nil
}

// Params returns the parameters.
func (s *Scallop) Params() ScallopParams { return s.p }

// MidLow and MidHigh are the midpoints of the two scallops.
func (s *Scallop) MidLow() float64  { return s.X1Low + s.p.Length(s.T)/2 }
func (s *Scallop) MidHigh() float64 { return s.X1High + s.p.Length(s.T)/2 }

// lowRate is dx1/dt at low R: with no inertia the drags balance,
// a1·v1 + a2·v2 = 0, and v2 − v1 = L'(t), so v1 = −a2·L'/(a1 + a2).
func (s *Scallop) lowRate(t float64) float64 {
	_, ds := s.p.shape(t)
	return -s.p.A2 / (s.p.A1 + s.p.A2) * s.p.Amp * ds
}

// highRate is dP/dt at high R, with v1 = (P − m·L')/(2m), v2 = v1 + L'.
func (s *Scallop) highRate(t, P float64) (dP, v1 float64) {
	_, ds := s.p.shape(t)
	Ld := s.p.Amp * ds
	m := s.p.Mass
	v1 = (P - m*Ld) / (2 * m)
	v2 := v1 + Ld
	c := 0.5 * s.p.Drag
	dP = -c*s.p.A1*s.p.A1*v1*math.Abs(v1) - c*s.p.A2*s.p.A2*v2*math.Abs(v2)
	return dP, v1
}

// Step advances both scallops by one step of the classical Runge–Kutta
// method. Each half of the stroke takes StepsPerCycle/2 steps, short ones
// while closing fast and long ones while opening slowly: the same shapes
// at the same steps either way, as at low R only the shapes matter.
func (s *Scallop) Step() {
	half := StepsPerCycle / 2
	cycle := float64(s.Cycles) * s.p.Period()
	var t, h float64
	if s.k < half {
		h = s.p.Open / float64(half)
		t = cycle + float64(s.k)*h
	} else {
		h = s.p.Close / float64(half)
		t = cycle + s.p.Open + float64(s.k-half)*h
	}
	// low R: x1' = f(t)
	k1, k2, k4 := s.lowRate(t), s.lowRate(t+h/2), s.lowRate(t+h)
	s.X1Low += h / 6 * (k1 + 4*k2 + k4)
	// high R: P' = g(t, P), x1' = v1(t, P)
	p1, u1 := s.highRate(t, s.PHigh)
	p2, u2 := s.highRate(t+h/2, s.PHigh+h/2*p1)
	p3, u3 := s.highRate(t+h/2, s.PHigh+h/2*p2)
	p4, u4 := s.highRate(t+h, s.PHigh+h*p3)
	s.PHigh += h / 6 * (p1 + 2*p2 + 2*p3 + p4)
	s.X1High += h / 6 * (u1 + 2*u2 + 2*u3 + u4)
	_, s.VHigh = s.highRate(t+h, s.PHigh)
	s.T = t + h
	s.k++
	if s.k == StepsPerCycle {
		s.k = 0
		s.Cycles++
		s.T = float64(s.Cycles) * s.p.Period()
		low, high := s.MidLow(), s.MidHigh()
		s.PerLow = append(s.PerLow, low-s.start[0])
		s.PerHigh = append(s.PerHigh, high-s.start[1])
		s.start = [2]float64{low, high}
	}
}

// SwimmerParams configures the three-sphere swimmer of Najafi and
// Golestanian (2004): spheres of radius A joined by two arms of mean length
// L whose lengths oscillate with amplitudes D1, D2 at angular frequency
// Omega, the second lagging by Phase.
type SwimmerParams struct {
	A, L, D1, D2, Omega, Phase float64
}

// Validate names the first bad field.
func (p SwimmerParams) Validate() error {
	switch {
	case !(p.L > 0 && p.L <= 100):
		return fmt.Errorf("length = %g: must be > 0 and ≤ 100", p.L)
	case !(p.A > 0 && p.A < p.L/2):
		return fmt.Errorf("radius = %g: must be > 0 and below half the arm length (%g)", p.A, p.L/2)
	case !(p.D1 >= 0 && p.D1 < p.L-2*p.A) || !(p.D2 >= 0 && p.D2 < p.L-2*p.A):
		return fmt.Errorf("amplitudes %g, %g: must be ≥ 0 and below L − 2a = %g so the spheres never touch", p.D1, p.D2, p.L-2*p.A)
	case !(p.Omega > 0 && p.Omega <= 100):
		return fmt.Errorf("omega = %g: must be > 0 and ≤ 100", p.Omega)
	case math.IsNaN(p.Phase) || math.Abs(p.Phase) > 2*math.Pi:
		return fmt.Errorf("phase = %g: must be −2π..2π", p.Phase)
	}
	return nil
}

// SpeedFormula is the small-amplitude mean speed V₀ = (7/24)·a·d₁d₂·ω·sin φ / L²
// (Golestanian and Ajdari 2008), leading order in a/L and d/L.
func (p SwimmerParams) SpeedFormula() float64 {
	return 7.0 / 24 * p.A * p.D1 * p.D2 * p.Omega * math.Sin(p.Phase) / (p.L * p.L)
}

// Arms are the arm lengths at time t.
func (p SwimmerParams) Arms(t float64) (l1, l2 float64) {
	return p.L + p.D1*math.Cos(p.Omega*t), p.L + p.D2*math.Cos(p.Omega*t-p.Phase)
}

func (p SwimmerParams) armRates(t float64) (d1, d2 float64) {
	return -p.D1 * p.Omega * math.Sin(p.Omega*t), -p.D2 * p.Omega * math.Sin(p.Omega*t-p.Phase)
}

// ThreeSphere integrates the swimmer in Stokes flow with Oseen
// interactions between the spheres, force-free at every instant (η = 1).
type ThreeSphere struct {
	p      SwimmerParams
	T, Dt  float64
	X1     float64 // position of the first sphere
	Forces [3]float64
	Cycles int
	PerCyc []float64 // net displacement of the centre per cycle
	start  float64
}

// NewThreeSphere starts the swimmer with its first sphere at the origin.
func NewThreeSphere(p SwimmerParams) (*ThreeSphere, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s := &ThreeSphere{p: p, Dt: 2 * math.Pi / p.Omega / StepsPerCycle}
	s.start = s.Centre()
	return s, nil
}

// Params returns the parameters.
func (s *ThreeSphere) Params() SwimmerParams { return s.p }

// Positions of the three spheres.
func (s *ThreeSphere) Positions() [3]float64 {
	l1, l2 := s.p.Arms(s.T)
	return [3]float64{s.X1, s.X1 + l1, s.X1 + l1 + l2}
}

// Centre is the mean position of the spheres.
func (s *ThreeSphere) Centre() float64 {
	x := s.Positions()
	return (x[0] + x[1] + x[2]) / 3
}

// velocity solves for the forces at time t, given the arm lengths: with
// the mobility v_i = f_i/(6πa) + Σ_{j≠i} f_j/(4π|x_i − x_j|) (Stokes drag
// and the Oseen tensor along the line), Σf = 0, v₂ − v₁ = L₁' and
// v₃ − v₂ = L₂'. It returns v₁ and the forces.
func (s *ThreeSphere) velocity(t float64) (float64, [3]float64) {
	l1, l2 := s.p.Arms(t)
	r1, r2 := s.p.armRates(t)
	a := s.p.A
	self := 1 / (6 * math.Pi * a)
	g := func(r float64) float64 { return 1 / (4 * math.Pi * r) }
	M := [3][3]float64{
		{self, g(l1), g(l1 + l2)},
		{g(l1), self, g(l2)},
		{g(l1 + l2), g(l2), self},
	}
	// rows: Σf = 0; (M₂ − M₁)·f = L₁'; (M₃ − M₂)·f = L₂'
	A := mat.NewDense(3, 3, []float64{
		1, 1, 1,
		M[1][0] - M[0][0], M[1][1] - M[0][1], M[1][2] - M[0][2],
		M[2][0] - M[1][0], M[2][1] - M[1][1], M[2][2] - M[1][2],
	})
	var f mat.VecDense
	if err := f.SolveVec(A, mat.NewVecDense(3, []float64{0, r1, r2})); err != nil {
		return 0, [3]float64{}
	}
	fs := [3]float64{f.AtVec(0), f.AtVec(1), f.AtVec(2)}
	v1 := M[0][0]*fs[0] + M[0][1]*fs[1] + M[0][2]*fs[2]
	return v1, fs
}

// Step advances the swimmer by Dt (classical Runge–Kutta on x₁).
func (s *ThreeSphere) Step() {
	t, h := s.T, s.Dt
	k1, _ := s.velocity(t)
	k2, _ := s.velocity(t + h/2)
	k4, f := s.velocity(t + h)
	s.X1 += h / 6 * (k1 + 4*k2 + k4)
	s.Forces = f
	s.T += h
	if int(math.Round(s.T/s.Dt))%StepsPerCycle == 0 {
		s.Cycles++
		c := s.Centre()
		s.PerCyc = append(s.PerCyc, c-s.start)
		s.start = c
	}
}

// MeanSpeed integrates one stroke of a fresh swimmer and returns its net
// speed (displacement of the centre over the period).
func MeanSpeed(p SwimmerParams) (float64, error) {
	s, err := NewThreeSphere(p)
	if err != nil {
		return 0, err
	}
	for range StepsPerCycle {
		s.Step()
	}
	return s.PerCyc[0] / (2 * math.Pi / p.Omega), nil
}

// Tumble laws of run-and-tumble.
const (
	TumbleUniform = "uniform" // a new direction uniformly at random: ⟨cos θ⟩ = 0
	TumbleEcoli   = "ecoli"   // a turn of ±68°, E. coli's mean: ⟨cos θ⟩ = cos 68°
)

// Tumbles lists the tumble laws.
var Tumbles = []string{TumbleUniform, TumbleEcoli}

// EcoliTurn is E. coli's mean tumble angle (Berg and Brown 1972).
var EcoliTurn = 68 * math.Pi / 180

// RunTumbleParams configures run-and-tumble cells in the plane: runs at
// speed V, tumbles at rate 1/Tau, and in a gradient G of attractant along
// x a tumble rate lowered while running up it: λ = (1/Tau)·(1 − Gain·G·cos θ),
// at least a tenth of 1/Tau.
type RunTumbleParams struct {
	Cells  int     // 1..MaxWalkers
	V      float64 // speed, > 0
	Tau    float64 // mean run time without a gradient, > 0
	Tumble string  // TumbleUniform or TumbleEcoli
	G      float64 // gradient, 0..0.1
	Gain   float64 // sensitivity, 0..1000
	Dt     float64 // observation interval, > 0
}

// Validate names the first bad field.
func (p RunTumbleParams) Validate() error {
	switch {
	case p.Cells < 1 || p.Cells > MaxWalkers:
		return fmt.Errorf("cells = %d: must be 1..%d", p.Cells, MaxWalkers)
	case !(p.V > 0 && p.V <= 1e3):
		return fmt.Errorf("speed = %g: must be > 0 and ≤ 1000", p.V)
	case !(p.Tau > 0 && p.Tau <= 1e3):
		return fmt.Errorf("run = %g: must be > 0 and ≤ 1000", p.Tau)
	case p.Tumble != TumbleUniform && p.Tumble != TumbleEcoli:
		return fmt.Errorf("tumble = %q: must be one of uniform, ecoli", p.Tumble)
	case !(p.G >= 0 && p.G <= 0.1):
		return fmt.Errorf("gradient = %g: must be 0..0.1", p.G)
	case !(p.Gain >= 0 && p.Gain <= 1000):
		return fmt.Errorf("gain = %g: must be 0..1000", p.Gain)
	case !(p.Dt > 0 && p.Dt <= 100):
		return fmt.Errorf("dt = %g: must be > 0 and ≤ 100", p.Dt)
	}
	return nil
}

// MeanCos is ⟨cos θ⟩ of the tumble angle.
func (p RunTumbleParams) MeanCos() float64 {
	if p.Tumble == TumbleEcoli {
		return math.Cos(EcoliTurn)
	}
	return 0
}

// DTheory is the long-time diffusion coefficient without a gradient,
// v²τ/(d(1 − ⟨cos θ⟩)) with d = 2 (Lovely and Dahlquist 1975; Berg 1993).
func (p RunTumbleParams) DTheory() float64 {
	return p.V * p.V * p.Tau / (Dim * (1 - p.MeanCos()))
}

// RunTumble is a population of run-and-tumble cells, all starting at the
// origin in random directions. Runs are straight, so the tumble rate is
// constant along a run and run times are drawn exactly.
type RunTumble struct {
	p        RunTumbleParams
	rng      *rand.Rand
	x, y, th []float64
	end      []float64 // when the current run ends
	n        int
	hist     *History
	Tumbles  int // tumbles so far, all cells
	Last     RunTumbleStep
}

// RunTumbleStep records what the last Step did to cell 0.
type RunTumbleStep struct {
	X0, Y0, X, Y float64
	Tumbles      int
	Theta        float64 // its heading after the step
	Rate         float64 // its tumble rate on the current run
}

// NewRunTumble validates p and makes the cells.
func NewRunTumble(p RunTumbleParams, seed uint64) (*RunTumble, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := p.Cells
	r := &RunTumble{p: p, rng: rand.New(rand.NewPCG(seed, 0xec011)),
		x: make([]float64, n), y: make([]float64, n), th: make([]float64, n), end: make([]float64, n),
		hist: NewHistory(historyBlocks)}
	for i := range r.th {
		r.th[i] = 2 * math.Pi * r.rng.Float64()
		r.end[i] = r.runTime(r.th[i])
	}
	r.record()
	return r, nil
}

// Params returns the parameters.
func (r *RunTumble) Params() RunTumbleParams { return r.p }

// Rate is the tumble rate of a cell running in direction th.
func (r *RunTumble) Rate(th float64) float64 {
	return math.Max(0.1, 1-r.p.Gain*r.p.G*math.Cos(th)) / r.p.Tau
}

func (r *RunTumble) runTime(th float64) float64 { return r.rng.ExpFloat64() / r.Rate(th) }

func (r *RunTumble) turn(th float64) float64 {
	if r.p.Tumble == TumbleEcoli {
		if r.rng.Uint64()&1 == 0 {
			return th + EcoliTurn
		}
		return th - EcoliTurn
	}
	return 2 * math.Pi * r.rng.Float64()
}

// T is the time.
func (r *RunTumble) T() float64 { return float64(r.n) * r.p.Dt }

// Positions returns the cells' positions (the simulation's own slices).
func (r *RunTumble) Positions() (x, y []float64) { return r.x, r.y }

// History is the recorded MSD.
func (r *RunTumble) History() *History { return r.hist }

// Step advances every cell by Dt.
func (r *RunTumble) Step() {
	t0, t1 := r.T(), float64(r.n+1)*r.p.Dt
	v := r.p.V
	last := RunTumbleStep{X0: r.x[0], Y0: r.y[0]}
	for i := range r.x {
		t := t0
		for r.end[i] <= t1 {
			d := r.end[i] - t
			r.x[i] += v * math.Cos(r.th[i]) * d
			r.y[i] += v * math.Sin(r.th[i]) * d
			t = r.end[i]
			r.th[i] = math.Mod(r.turn(r.th[i]), 2*math.Pi)
			r.end[i] = t + r.runTime(r.th[i])
			r.Tumbles++
			if i == 0 {
				last.Tumbles++
			}
		}
		r.x[i] += v * math.Cos(r.th[i]) * (t1 - t)
		r.y[i] += v * math.Sin(r.th[i]) * (t1 - t)
	}
	r.n++
	last.X, last.Y, last.Theta, last.Rate = r.x[0], r.y[0], r.th[0], r.Rate(r.th[0])
	r.Last = last
	if r.hist.Due(r.n) {
		r.record()
	}
}

func (r *RunTumble) record() { r.hist.Record(r.T(), r.x, r.y) }

// MSD is the ensemble mean square displacement now.
func (r *RunTumble) MSD() float64 {
	var s float64
	for i := range r.x {
		s += r.x[i]*r.x[i] + r.y[i]*r.y[i]
	}
	return s / float64(len(r.x))
}

// MeanX is the mean position along the gradient, with its standard error.
func (r *RunTumble) MeanX() (m, se float64) {
	var s, s2 float64
	for _, x := range r.x {
		s += x
		s2 += x * x
	}
	n := float64(len(r.x))
	m = s / n
	if n > 1 {
		se = math.Sqrt(math.Max(s2/n-m*m, 0) / (n - 1))
	}
	return m, se
}

// FitD fits MSD = c + 2dD·t over t ≥ tmin (a few run times: past the
// ballistic start) and returns D with its block standard error.
func (r *RunTumble) FitD(tmin float64) (D, se float64, ok bool) {
	s, sse, ok := r.hist.FitSlope(tmin)
	return s / (2 * Dim), sse / (2 * Dim), ok
}
