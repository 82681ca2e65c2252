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

// Swimmers and fluids of the calculator: realistic sizes and cruising
// speeds, and beside them Purcell's own round figures (1977), which take a
// person of 1 m at 1 cm/s and a goldfish of 2 cm at 5 mm/s to get R ≈ 10⁴
// and 10²; a person at a real 1 m/s is near 10⁶, a goldfish near 10⁴.
var (
	Swimmers = []Swimmer{
		{"person", 1.7, 1, 1000},
		{"goldfish", 0.07, 0.1, 1000},
		{"sperm", 50e-6, 50e-6, 1100},
		{"ecoli", 2e-6, 25e-6, 1100},
		{"person-purcell", 1, 0.01, 1000},
		{"goldfish-purcell", 0.02, 0.005, 1000},
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
	Cd       float64 // drag coefficient at R (SphereDrag)
	Drag     float64 // N: ½·C_d·ρ·A·U² (Stokes 3πηLU below R = 1)
	CoastT   float64 // s: time to stop (Stokes: the decay time m/(3πηL)) or to halve its speed
	CoastX   float64 // m: distance coasted (Stokes: U times the decay time) or to half speed
	Viscous  bool    // Stokes regime
	Nu       float64 // kinematic viscosity η/ρ, m²/s
	DragForm string
}

// SphereDrag is the drag coefficient of a smooth sphere at Reynolds number
// R (on the diameter): Morrison's correlation of the measured curve,
// C_d = 24/R + 2.6(R/5)/(1 + (R/5)^1.52) + 0.411(R/263000)^−7.94/(1 + (R/263000)^−8)
// + 0.25(R/10⁶)/(1 + R/10⁶) (F. A. Morrison, "An Introduction to Fluid
// Mechanics", Cambridge 2013), fitted for R up to 10⁶ and including the
// drag crisis near 3·10⁵. Stokes' 24/R dominates below R ≈ 1.
func SphereDrag(R float64) float64 {
	a := R / 5
	b := R / 263000
	c := R / 1e6
	return 24/R + 2.6*a/(1+math.Pow(a, 1.52)) + 0.411*math.Pow(b, -7.94)/(1+math.Pow(b, -8)) + 0.25*c/(1+c)
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
	area := math.Pi * a * a
	drag := func(v float64) float64 { return 0.5 * SphereDrag(rho*v*L/eta) * rho * area * v * v }
	c.Cd = SphereDrag(c.R)
	if c.R < 1 {
		c.Viscous = true
		c.Drag = 6 * math.Pi * eta * a * U
		c.CoastT = m / (6 * math.Pi * eta * a) // v(t) = U·e^(−t/τ)
		c.CoastX = U * c.CoastT
		c.DragForm = "Stokes 6πηaU"
		return c
	}
	c.Drag = drag(U)
	// coasting from U to U/2 under m·dv/dt = −F(v): t = ∫ m dv/F, x = ∫ m v dv/F,
	// by Simpson's rule over v
	const n = 200
	h := (U / 2) / n
	for i := 0; i <= n; i++ {
		v := U/2 + float64(i)*h
		w := 2.0
		switch {
		case i == 0 || i == n:
			w = 1
		case i%2 == 1:
			w = 4
		}
		c.CoastT += w * h / 3 * m / drag(v)
		c.CoastX += w * h / 3 * m * v / drag(v)
	}
	c.DragForm = fmt.Sprintf("½·C_d·ρ·A·U², C_d(R) = %.3g, Morrison's sphere correlation", c.Cd)
	return c
}

// PurcellS is Purcell's S = vℓ/D (the Péclet number): above 1 swimming a
// distance ℓ beats waiting for molecules of diffusivity D to arrive. It
// also returns the distance D/v the swimmer must cover to outrun diffusion.
func PurcellS(v, l, D float64) (S, outrun float64) { return v * l / D, D / v }

// ScallopParams configures Purcell's scallop: two rigid plates of length
// Plate hinged together, opening from Theta0 to Theta1 (the full angle
// between them, radians) in Open time units and closing back in Close.
// Stretch lets the plates telescope as well, ℓ = Plate·(1 + Stretch·q(t)),
// with q the opening profile delayed by Lag (a fraction of the period):
// with Lag = 0 the stroke is still reciprocal (the same shapes back and
// forth); with Lag ≠ 0 it encloses area in shape space (θ, ℓ).
type ScallopParams struct {
	Plate          float64 // plate length ℓ, 0.1..10
	Theta0, Theta1 float64 // closed and open angle, 0..π
	Open, Close    float64 // durations of the two halves, 0.05..20
	Stretch        float64 // relative change of the plate length, 0..0.9
	Lag            float64 // delay of the stretch, a fraction of the period, 0..1
	Mass           float64 // mass of the scallop (inertial case)
	Drag           float64 // pressure-drag coefficient per unit plate length (inertial case)
}

// Validate names the first bad field.
func (p ScallopParams) Validate() error {
	for _, f := range []struct {
		n      string
		v      float64
		lo, hi float64
	}{{"plate", p.Plate, 0.1, 10}, {"theta0", p.Theta0, 0, math.Pi}, {"theta1", p.Theta1, 0, math.Pi},
		{"open", p.Open, 0.05, 20}, {"close", p.Close, 0.05, 20}, {"stretch", p.Stretch, 0, 0.9}, {"lag", p.Lag, 0, 1},
		{"mass", p.Mass, 1e-3, 1e3}, {"drag", p.Drag, 1e-3, 1e3}} {
		if !(f.v >= f.lo && f.v <= f.hi) {
			return fmt.Errorf("%s = %g: must be %g..%g", f.n, f.v, f.lo, f.hi)
		}
	}
	return nil
}

// Period is the duration of one stroke.
func (p ScallopParams) Period() float64 { return p.Open + p.Close }

// profile is the opening s(t) in [0, 1] and its rate: a smooth ramp up
// over Open, then down over Close.
func (p ScallopParams) profile(t float64) (s, ds float64) {
	t = math.Mod(t, p.Period())
	if t < 0 {
		t += p.Period()
	}
	if t < p.Open {
		u := t / p.Open
		return 0.5 - 0.5*math.Cos(math.Pi*u), 0.5 * math.Pi * math.Sin(math.Pi*u) / p.Open
	}
	u := (t - p.Open) / p.Close
	return 0.5 + 0.5*math.Cos(math.Pi*u), -0.5 * math.Pi * math.Sin(math.Pi*u) / p.Close
}

// Shape is the opening angle θ, the plate length ℓ and their rates at t.
func (p ScallopParams) Shape(t float64) (theta, dtheta, l, dl float64) {
	s, ds := p.profile(t)
	q, dq := p.profile(t - p.Lag*p.Period())
	return p.Theta0 + (p.Theta1-p.Theta0)*s, (p.Theta1 - p.Theta0) * ds,
		p.Plate * (1 + p.Stretch*q), p.Plate * p.Stretch * dq
}

// Reciprocal reports whether the stroke retraces its shapes.
func (p ScallopParams) Reciprocal() bool {
	return p.Stretch == 0 || p.Lag == 0 || p.Lag == 1 || p.Theta0 == p.Theta1
}

// Drag anisotropy of a slender plate in Stokes flow: moving along its
// normal it meets twice the resistance it meets moving along itself.
const zetaRatio = 2

// LowRate is the hinge's velocity at R ≪ 1 by resistive force theory. A
// point σ ∈ [0, 1] along the upper plate (tangent t = (−cos θ/2, sin θ/2),
// normal n = (sin θ/2, cos θ/2)) moves at u = Ẋ·e_x + σℓ̇·t + σℓ(θ̇/2)·n
// and feels −ζ∥(u·t)t − ζ⊥(u·n)n per unit length; the lower plate mirrors
// it. No force along x (no inertia) gives
// Ẋ = (ζ∥·ℓ̇·cos(θ/2)/2 − ζ⊥·ℓ·θ̇·sin(θ/2)/4) / (ζ∥cos²(θ/2) + ζ⊥sin²(θ/2)):
// a drag that depends on the opening angle. The scallop theorem is then a
// result: with ℓ fixed, Ẋ = g(θ)·θ̇ integrates to zero over any stroke that
// returns to its start, however fast each half.
func (p ScallopParams) LowRate(t float64) float64 {
	th, dth, l, dl := p.Shape(t)
	c, s := math.Cos(th/2), math.Sin(th/2)
	const zpar, zperp = 1, zetaRatio
	return (zpar*dl*c/2 - zperp*l*dth*s/4) / (zpar*c*c + zperp*s*s)
}

// highForce is the x force on the scallop at R ≫ 1 whose centre of mass
// (the plates' midpoints: the hinge carries no mass) moves at V: pressure
// drag −k·(u·n)|u·n| on each plate's normal velocity (skin friction
// neglected), integrated along the plate in closed form. The hinge moves
// at V + d/dt(ℓ·cos(θ/2)/2).
func (p ScallopParams) highForce(t, V float64) float64 {
	th, dth, l, dl := p.Shape(t)
	s, c := math.Sin(th/2), math.Cos(th/2)
	hinge := V + (dl*c-l*s*dth/2)/2
	// u·n = a + b·σ along the plate
	a, b := hinge*s, l*dth/2
	G := func(x float64) float64 { return x * x * math.Abs(x) / 3 }
	var mean float64 // ∫₀¹ (a+bσ)|a+bσ| dσ
	if math.Abs(b) < 1e-12*(math.Abs(a)+1e-300) {
		mean = a * math.Abs(a)
	} else {
		mean = (G(a+b) - G(a)) / b
	}
	return -2 * p.Drag * l * mean * s
}

// Scallop moves the same stroke in two fluids: at R ≪ 1 (resistive force
// theory, no inertia) and at R ≫ 1 (mass and pressure drag).
type Scallop struct {
	p       ScallopParams
	T       float64 // time
	k       int     // step within the cycle: the first half opens, the second closes
	XLow    float64 // hinge, low R
	CMHigh  float64 // centre of mass, high R
	VHigh   float64 // its velocity
	Cycles  int
	PerLow  []float64 // net displacement per cycle, low R
	PerHigh []float64
	start   [2]float64 // positions at the start of the current cycle
}

// StepsPerCycle is the scallop's and the three-sphere swimmer's steps per stroke.
const StepsPerCycle = 200

// NewScallop starts both scallops closed, at rest, hinges at the origin.
func NewScallop(p ScallopParams) (*Scallop, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	s := &Scallop{p: p}
	s.CMHigh = -s.Tip() / 2
	s.start[1] = s.CMHigh
	return s, nil
}

// Params returns the parameters.
func (s *Scallop) Params() ScallopParams { return s.p }

// Tip is how far behind the hinge the plates' tips are now.
func (s *Scallop) Tip() float64 {
	th, _, l, _ := s.p.Shape(s.T)
	return l * math.Cos(th/2)
}

// MidLow and MidHigh are the midpoints between hinge and tips (the centre
// of mass); XHigh is the high-R hinge.
func (s *Scallop) MidLow() float64  { return s.XLow - s.Tip()/2 }
func (s *Scallop) MidHigh() float64 { return s.CMHigh }
func (s *Scallop) XHigh() float64   { return s.CMHigh + s.Tip()/2 }

// Step advances both scallops by one step: Simpson's rule for the low-R
// velocity (a function of time only), the classical Runge–Kutta method for
// the high-R one. Each half of the stroke takes StepsPerCycle/2 steps,
// short ones while closing fast and long ones while opening slowly: the
// same shapes at the same steps either way.
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
	p := s.p
	s.XLow += h / 6 * (p.LowRate(t) + 4*p.LowRate(t+h/2) + p.LowRate(t+h))
	f := func(t, v float64) float64 { return p.highForce(t, v) / p.Mass }
	v := s.VHigh
	a1 := f(t, v)
	a2 := f(t+h/2, v+h/2*a1)
	a3 := f(t+h/2, v+h/2*a2)
	a4 := f(t+h, v+h*a3)
	s.CMHigh += h / 6 * (v + 2*(v+h/2*a1) + 2*(v+h/2*a2) + v + h*a3)
	s.VHigh += h / 6 * (a1 + 2*a2 + 2*a3 + a4)
	s.T = t + h
	s.k++
	if s.k == StepsPerCycle {
		s.k = 0
		s.Cycles++
		s.T = float64(s.Cycles) * s.p.Period()
		s.PerLow = append(s.PerLow, s.XLow-s.start[0])
		s.PerHigh = append(s.PerHigh, s.CMHigh-s.start[1])
		s.start = [2]float64{s.XLow, s.CMHigh}
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
// (Golestanian and Ajdari 2008), leading order in a/L and d/L. The full
// Oseen integration (MeanSpeed) is faster by V/V₀ − 1 ≈ 0.76·a/L + 0.8·(d/L)²
// (measured, equal arms): 4.6% at a = 0.05L, d = 0.1L.
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

// Persistence is the time over which a cell keeps its heading,
// τ/(1 − ⟨cos θ⟩).
func (p RunTumbleParams) Persistence() float64 { return p.Tau / (1 - p.MeanCos()) }

// MSDTheory is the mean square displacement at t without a gradient, that
// of a persistent random walk in the plane: 2v²τ_p(t − τ_p(1 − e^(−t/τ_p)))
// with τ_p the persistence time; ballistic (v²t²) for t ≪ τ_p, 4·D·t after.
func (p RunTumbleParams) MSDTheory(t float64) float64 {
	tp := p.Persistence()
	return 2 * p.V * p.V * tp * (t - tp*(-math.Expm1(-t/tp)))
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
