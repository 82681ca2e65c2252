// Package sims holds the physical simulations of jclub: random walks,
// Langevin dynamics and the statistics used to check them against theory.
// Nothing here imports a terminal package.
package sims

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Dim is the number of spatial dimensions of the diffusion simulations.
const Dim = 2

// Diffusion modes.
const (
	Lattice  = "lattice"  // ±a on each axis every step: the random-walk derivation
	Gauss    = "gauss"    // Gaussian increments of variance 2·D·dt per axis: the Wiener process
	Langevin = "langevin" // m dv = −γv dt + √(2γkT) dW with kT = D·γ
)

// DiffusionModes lists the modes in the order the screen cycles them.
var DiffusionModes = []string{Lattice, Gauss, Langevin}

// Limits of DiffusionParams.
const (
	MaxWalkers = 10000
)

// DiffusionParams configures N independent Brownian particles in the plane,
// all released at the origin at t = 0.
type DiffusionParams struct {
	Mode    string  // Lattice, Gauss or Langevin
	Walkers int     // 1..MaxWalkers
	D       float64 // diffusion coefficient (gauss, langevin), > 0
	Dt      float64 // time step, > 0
	A       float64 // lattice spacing (lattice), > 0
	Mass    float64 // particle mass m (langevin), > 0
	Gamma   float64 // friction coefficient γ (langevin), > 0; kT = D·γ
}

// Validate names the first bad field, its value and the valid range.
func (p DiffusionParams) Validate() error {
	switch p.Mode {
	case Lattice, Gauss, Langevin:
	default:
		return fmt.Errorf("mode = %q: must be one of lattice, gauss, langevin", p.Mode)
	}
	if p.Walkers < 1 || p.Walkers > MaxWalkers {
		return fmt.Errorf("walkers = %d: must be 1..%d", p.Walkers, MaxWalkers)
	}
	checks := []struct {
		name string
		v    float64
		used bool
	}{
		{"dt", p.Dt, true},
		{"a", p.A, p.Mode == Lattice},
		{"D", p.D, p.Mode != Lattice},
		{"mass", p.Mass, p.Mode == Langevin},
		{"gamma", p.Gamma, p.Mode == Langevin},
	}
	for _, c := range checks {
		if c.used && (!(c.v > 0) || math.IsInf(c.v, 0)) {
			return fmt.Errorf("%s = %g: must be a finite number > 0", c.name, c.v)
		}
	}
	return nil
}

// DEff is the diffusion coefficient the walk has at long times:
// a²/(2·dt) on the lattice, D otherwise.
func (p DiffusionParams) DEff() float64 {
	if p.Mode == Lattice {
		return p.A * p.A / (2 * p.Dt)
	}
	return p.D
}

// Tau is the velocity relaxation time m/γ of the Langevin mode (0 otherwise).
func (p DiffusionParams) Tau() float64 {
	if p.Mode != Langevin {
		return 0
	}
	return p.Mass / p.Gamma
}

// MSDTheory is the ensemble mean square displacement at time t:
// 2·d·D·t (Einstein 1905), and for Langevin dynamics with Maxwell–Boltzmann
// initial velocities 2·d·D·[t − τ(1 − e^(−t/τ))] (Langevin 1908; Ornstein
// and Uhlenbeck 1930), which is d·(kT/m)·t² for t ≪ τ.
func (p DiffusionParams) MSDTheory(t float64) float64 {
	d := p.DEff()
	if p.Mode == Langevin {
		tau := p.Tau()
		return 2 * Dim * d * (t + tau*math.Expm1(-t/tau))
	}
	return 2 * Dim * d * t
}

// DiffusionStep records what the last Step did to walker 0, for display.
type DiffusionStep struct {
	X0, Y0   float64 // position before
	X, Y     float64 // position after
	Xi1, Xi2 float64 // the standard normal draws for the x axis (gauss uses Xi1)
	Vx0, Vx  float64 // x velocity before and after (langevin)
}

// Diffusion is N independent walkers in the plane, all started at the origin.
type Diffusion struct {
	p    DiffusionParams
	rng  *rand.Rand
	x, y []float64
	v    [][2]float64 // velocities (langevin)
	n    int          // steps taken
	sum  float64      // Σ r² over walkers at the current time
	sum2 float64      // Σ r⁴, for the standard error of the MSD
	hist *History
	Last DiffusionStep

	// exact Ornstein–Uhlenbeck update coefficients (langevin)
	ouDecay, ouDrift          float64 // e^(−h), τ(1 − e^(−h))
	ouSv, ouSx1, ouSx2, vTher float64 // noise factors and √(kT/m)
}

// NewDiffusion validates p and makes the walkers, seeded by seed.
func NewDiffusion(p DiffusionParams, seed uint64) (*Diffusion, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	d := &Diffusion{
		p:    p,
		rng:  rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		x:    make([]float64, p.Walkers),
		y:    make([]float64, p.Walkers),
		hist: NewHistory(historyBlocks),
	}
	if p.Mode == Langevin {
		d.initLangevin()
	}
	d.record()
	return d, nil
}

// initLangevin draws Maxwell–Boltzmann velocities and precomputes the exact
// update of (x, v) over one step (Gillespie 1996): with h = dt/τ and
// s² = kT/m, the new velocity and displacement are jointly Gaussian with
// Var v = s²(1 − e^(−2h)), Var x = s²τ²(2h − 3 + 4e^(−h) − e^(−2h)),
// Cov = s²τ(1 − e^(−h))².
func (d *Diffusion) initLangevin() {
	p := d.p
	tau := p.Tau()
	h := p.Dt / tau
	s2 := p.D * p.Gamma / p.Mass // kT/m
	d.vTher = math.Sqrt(s2)
	e1, e2 := math.Exp(-h), math.Exp(-2*h)
	varV := s2 * -math.Expm1(-2*h)
	varX := s2 * tau * tau * (2*h - 3 + 4*e1 - e2)
	if h < 1e-3 { // series, to avoid cancellation: 2h³/3 − h⁴/2
		varX = s2 * tau * tau * (2*h*h*h/3 - h*h*h*h/2)
	}
	cov := s2 * tau * (1 - e1) * (1 - e1)
	d.ouDecay = e1
	d.ouDrift = tau * -math.Expm1(-h)
	// Cholesky of [[varV, cov], [cov, varX]].
	d.ouSv = math.Sqrt(varV)
	d.ouSx1 = cov / d.ouSv
	d.ouSx2 = math.Sqrt(math.Max(varX-d.ouSx1*d.ouSx1, 0))
	d.v = make([][2]float64, p.Walkers)
	for i := range d.v {
		d.v[i] = [2]float64{d.vTher * d.rng.NormFloat64(), d.vTher * d.rng.NormFloat64()}
	}
}

// Params returns the parameters the walkers were made with.
func (d *Diffusion) Params() DiffusionParams { return d.p }

// Steps is the number of steps taken; T the time n·dt.
func (d *Diffusion) Steps() int        { return d.n }
func (d *Diffusion) T() float64        { return float64(d.n) * d.p.Dt }
func (d *Diffusion) History() *History { return d.hist }

// Positions returns the walkers' coordinates. The slices are the
// simulation's own: read them, don't keep or change them.
func (d *Diffusion) Positions() (x, y []float64) { return d.x, d.y }

// Step advances every walker by one time step dt.
func (d *Diffusion) Step() {
	d.Last.X0, d.Last.Y0 = d.x[0], d.y[0]
	switch d.p.Mode {
	case Lattice:
		d.stepLattice()
	case Gauss:
		d.stepGauss()
	case Langevin:
		d.stepLangevin()
	}
	d.Last.X, d.Last.Y = d.x[0], d.y[0]
	d.n++
	if d.hist.Due(d.n) {
		d.record()
	}
}

func (d *Diffusion) stepLattice() {
	a := d.p.A
	x, y := d.x, d.y
	var bits uint64
	var left int
	var s, s2 float64
	for i := range x {
		if left == 0 {
			bits, left = d.rng.Uint64(), 32
		}
		// one random bit per axis: ±a
		x[i] += a * float64(int(bits&1)*2-1)
		y[i] += a * float64(int(bits>>1&1)*2-1)
		bits >>= 2
		left--
		r2 := x[i]*x[i] + y[i]*y[i]
		s += r2
		s2 += r2 * r2
	}
	d.sum, d.sum2 = s, s2
}

func (d *Diffusion) stepGauss() {
	sd := math.Sqrt(2 * d.p.D * d.p.Dt)
	x, y := d.x, d.y
	rng := d.rng
	var s, s2 float64
	for i := range x {
		xi := rng.NormFloat64()
		if i == 0 {
			d.Last.Xi1 = xi
		}
		x[i] += sd * xi
		y[i] += sd * rng.NormFloat64()
		r2 := x[i]*x[i] + y[i]*y[i]
		s += r2
		s2 += r2 * r2
	}
	d.sum, d.sum2 = s, s2
}

func (d *Diffusion) stepLangevin() {
	x, y, v := d.x, d.y, d.v
	rng := d.rng
	d.Last.Vx0 = v[0][0]
	var s, s2 float64
	for i := range x {
		for a, pos := range [2][]float64{x, y} {
			z1, z2 := rng.NormFloat64(), rng.NormFloat64()
			if i == 0 && a == 0 {
				d.Last.Xi1, d.Last.Xi2 = z1, z2
			}
			v0 := v[i][a]
			pos[i] += d.ouDrift*v0 + d.ouSx1*z1 + d.ouSx2*z2
			v[i][a] = d.ouDecay*v0 + d.ouSv*z1
		}
		r2 := x[i]*x[i] + y[i]*y[i]
		s += r2
		s2 += r2 * r2
	}
	d.Last.Vx = v[0][0]
	d.sum, d.sum2 = s, s2
}

// OUCoefficients returns the exact one-step update of the Langevin mode:
// v' = decay·v + sv·z1 and x' = x + drift·v + sx1·z1 + sx2·z2.
func (d *Diffusion) OUCoefficients() (decay, drift, sv, sx1, sx2 float64) {
	return d.ouDecay, d.ouDrift, d.ouSv, d.ouSx1, d.ouSx2
}

// MSD returns the ensemble mean square displacement ⟨|r(t) − r(0)|²⟩ and
// its standard error, estimated from the spread of r² over the walkers.
func (d *Diffusion) MSD() (mean, se float64) {
	n := float64(len(d.x))
	mean = d.sum / n
	if len(d.x) > 1 {
		v := (d.sum2 - n*mean*mean) / (n - 1)
		se = math.Sqrt(math.Max(v, 0) / n)
	}
	return mean, se
}

const historyBlocks = 20

// record appends the current MSD to the history.
func (d *Diffusion) record() { d.hist.Record(d.T(), d.x, d.y) }

// FitD fits MSD = c + 2·d·D·t over the recorded history with t ≥ tmin and
// returns D with its standard error, estimated from the scatter of the same
// fit over independent blocks of walkers. ok is false with fewer than three
// points or blocks.
func (d *Diffusion) FitD(tmin float64) (D, se float64, ok bool) {
	slope, sse, ok := d.hist.FitSlope(tmin)
	return slope / (2 * Dim), sse / (2 * Dim), ok
}

// Fick is the walkers' density along x at time t (walkers per unit of x,
// all Walkers counted): Fick's Gaussian from a point source,
// N·exp(−x²/2σ²)/(σ√(2π)) with σ² = ⟨x²⟩(t).
func (p DiffusionParams) Fick(x, t float64) float64 {
	s := p.SigmaTheory(t)
	return float64(p.Walkers) * math.Exp(-x*x/(2*s*s)) / (s * math.Sqrt(2*math.Pi))
}

// SigmaTheory is the standard deviation of one coordinate at time t.
func (p DiffusionParams) SigmaTheory(t float64) float64 {
	return math.Sqrt(p.MSDTheory(t) / Dim)
}
