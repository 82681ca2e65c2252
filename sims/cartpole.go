package sims

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// CartPole is the cart and pole of Barto, Sutton and Anderson (1983): a
// cart of mass M on a frictionless track, a uniform pole of mass Mp and
// half-length L hinged on it, gravity G, a horizontal force F on the cart.
// The state is (x, ẋ, θ, θ̇) with θ the pole's angle from upright, positive
// when it leans towards +x.
type CartPole struct{ M, Mp, L, G float64 }

// Barto83 is the cart-pole of Barto et al. (1983): 1 kg cart, 0.1 kg pole
// of half-length 0.5 m, a track of ±2.4 m.
var Barto83 = CartPole{M: 1, Mp: 0.1, L: 0.5, G: 9.8}

// Track is the half-length of the track, m.
const Track = 2.4

// Deriv is the state's time derivative under force F:
//
//	θ̈ = [g sinθ − cosθ (F + m l θ̇² sinθ)/(M+m)] / [l (4/3 − m cos²θ/(M+m))]
//	ẍ = [F + m l (θ̇² sinθ − θ̈ cosθ)] / (M+m)
func (c CartPole) Deriv(s [4]float64, F float64) [4]float64 {
	sin, cos := math.Sincos(s[2])
	mt := c.M + c.Mp
	tmp := (F + c.Mp*c.L*s[3]*s[3]*sin) / mt
	thacc := (c.G*sin - cos*tmp) / (c.L * (4.0/3 - c.Mp*cos*cos/mt))
	xacc := tmp - c.Mp*c.L*thacc*cos/mt
	return [4]float64{s[1], xacc, s[3], thacc}
}

// Linear is the dynamics linearised about upright at rest: ṡ = A s + B F.
func (c CartPole) Linear() (A, B *mat.Dense) {
	mt := c.M + c.Mp
	d := c.L * (4.0/3 - c.Mp/mt)
	A = mat.NewDense(4, 4, []float64{
		0, 1, 0, 0,
		0, 0, -c.Mp * c.L * c.G / (mt * d), 0,
		0, 0, 0, 1,
		0, 0, c.G / d, 0,
	})
	B = mat.NewDense(4, 1, []float64{0, 1/mt + c.Mp*c.L/(mt*mt*d), 0, -1 / (mt * d)})
	return A, B
}

// Advance integrates the nonlinear dynamics over dt with F held (RK4 in
// steps of at most 5 ms).
func (c CartPole) Advance(s [4]float64, F, dt float64) [4]float64 {
	n := max(1, int(math.Ceil(dt/0.005)))
	h := dt / float64(n)
	add := func(a, b [4]float64, k float64) [4]float64 {
		for i := range a {
			a[i] += k * b[i]
		}
		return a
	}
	for range n {
		k1 := c.Deriv(s, F)
		k2 := c.Deriv(add(s, k1, h/2), F)
		k3 := c.Deriv(add(s, k2, h/2), F)
		k4 := c.Deriv(add(s, k3, h), F)
		for i := range s {
			s[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	return s
}

// LQRParams configures the regulator of the cart-pole: stage cost
// qx·x² + qθ·θ² + r·F² a step (velocities unweighted), a control interval
// Dt and the pole's starting angle.
type LQRParams struct {
	Qx, Qtheta, R float64
	Theta0        float64 // rad, |θ₀| < π/2
	Dt            float64 // s
}

// Validate names the first bad field and its valid range.
func (p LQRParams) Validate() error {
	switch {
	case !(p.Qx >= 1e-3 && p.Qx <= 1e4): // qx = 0 leaves the cart's drift free: no stabilising solution
		return fmt.Errorf("qx = %g: must be 0.001..10000", p.Qx)
	case !(p.Qtheta >= 1e-3 && p.Qtheta <= 1e4):
		return fmt.Errorf("qtheta = %g: must be 0.001..10000", p.Qtheta)
	case !(p.R >= 1e-4 && p.R <= 1e4):
		return fmt.Errorf("r = %g: must be 0.0001..10000", p.R)
	case !(math.Abs(p.Theta0) <= 1.5):
		return fmt.Errorf("theta0 = %g: must be -1.5..1.5 rad", p.Theta0)
	case !(p.Dt >= 0.001 && p.Dt <= 0.1):
		return fmt.Errorf("dt = %g: must be 0.001..0.1 s", p.Dt)
	}
	return nil
}

// Regulator is the discrete LQR of the linearised cart-pole: the sampled
// model (A, B), the weights, the DARE solution X, the gain K of u = −Ks and
// the closed-loop eigenvalues of A − BK.
type Regulator struct {
	A, B, Q, R *mat.Dense
	X          *mat.Dense
	K          [4]float64
	Eig        []complex128
	Iters      int     // steps the Riccati iteration took to agree to 1e-13
	Agree      float64 // ‖X_iteration − X_Schur‖₁/‖X_Schur‖₁
}

// NewRegulator solves the regulator of p on the cart-pole c.
func NewRegulator(c CartPole, p LQRParams) (*Regulator, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	Ac, Bc := c.Linear()
	A, B := Discretise(Ac, Bc, p.Dt)
	Q := mat.NewDense(4, 4, nil)
	Q.Set(0, 0, p.Qx)
	Q.Set(2, 2, p.Qtheta)
	R := mat.NewDense(1, 1, []float64{p.R})
	X, err := DARESchur(A, B, Q, R)
	if err != nil {
		return nil, err
	}
	K, err := LQRGain(A, B, R, X)
	if err != nil {
		return nil, err
	}
	Xi, iters, err := DAREIterate(A, B, Q, R, 1e-13, 1000000)
	if err != nil {
		return nil, err
	}
	g := &Regulator{A: A, B: B, Q: Q, R: R, X: X, Iters: iters, Agree: relDiff(Xi, X)}
	for i := range 4 {
		g.K[i] = K.At(0, i)
	}
	var BK, cl mat.Dense
	BK.Mul(B, K)
	cl.Sub(A, &BK)
	g.Eig = Eigenvalues(&cl)
	return g, nil
}

// Control is u = −K s.
func (g *Regulator) Control(s [4]float64) float64 {
	return -(g.K[0]*s[0] + g.K[1]*s[1] + g.K[2]*s[2] + g.K[3]*s[3])
}

// Cost is the stage cost sᵀQs + r·u².
func (g *Regulator) Cost(s [4]float64, u float64) float64 {
	c := g.R.At(0, 0) * u * u
	for i := range 4 {
		c += g.Q.At(i, i) * s[i] * s[i]
	}
	return c
}

// Upright reports whether the pole is above the horizontal and the cart on
// the track; past that the run is over.
func Upright(s [4]float64) bool { return math.Abs(s[2]) < math.Pi/2 && math.Abs(s[0]) <= Track }

// LQR is the regulator balancing the nonlinear cart-pole.
type LQR struct {
	C     CartPole
	G     *Regulator
	p     LQRParams
	S     [4]float64 // the state
	U     float64    // the last force
	T     float64
	Steps int
	Cost  float64 // the summed stage cost
}

// NewLQR starts the pole at θ₀ at rest over the middle of the track.
func NewLQR(p LQRParams) (*LQR, error) {
	g, err := NewRegulator(Barto83, p)
	if err != nil {
		return nil, err
	}
	return &LQR{C: Barto83, G: g, p: p, S: [4]float64{0, 0, p.Theta0, 0}}, nil
}

// Params returns the parameters.
func (l *LQR) Params() LQRParams { return l.p }

// Done reports whether the pole fell or the cart left the track.
func (l *LQR) Done() bool { return !Upright(l.S) }

// Step applies u = −Ks for one interval (nothing once the run is over).
func (l *LQR) Step() {
	if l.Done() {
		return
	}
	l.U = l.G.Control(l.S)
	l.Cost += l.G.Cost(l.S, l.U)
	l.S = l.C.Advance(l.S, l.U, l.p.Dt)
	l.T += l.p.Dt
	l.Steps++
}

// Push taps the pole: its angular velocity changes by dw (rad/s).
func (l *LQR) Push(dw float64) { l.S[3] += dw }

// LQGParams is the regulator acting on a Kalman filter's estimate from
// measurements of x and θ with noise sd SigmaX (m) and SigmaTheta (rad),
// the cart pushed by a random force of sd Force (N) held over each step.
type LQGParams struct {
	LQRParams
	SigmaX, SigmaTheta, Force float64
}

// Validate names the first bad field and its valid range.
func (p LQGParams) Validate() error {
	if err := p.LQRParams.Validate(); err != nil {
		return err
	}
	switch {
	case !(p.SigmaX >= 1e-6 && p.SigmaX <= 1):
		return fmt.Errorf("sigmax = %g: must be 1e-6..1 m", p.SigmaX)
	case !(p.SigmaTheta >= 1e-6 && p.SigmaTheta <= 1):
		return fmt.Errorf("sigmatheta = %g: must be 1e-6..1 rad", p.SigmaTheta)
	case !(p.Force >= 0 && p.Force <= 10):
		return fmt.Errorf("force = %g: must be 0..10 N", p.Force)
	}
	return nil
}

// LQG runs two cart-poles from the same start under the same random
// pushes: one regulated on the Kalman filter's estimate from noisy
// measurements, one on its true state (full information). By the
// separation principle the first uses the same gain K as the second; it
// pays more, by tr(Kᵀ(R + BᵀXB)K Σ) a step in the linear theory, Σ the
// filter's steady posterior covariance.
type LQG struct {
	C           CartPole
	G           *Regulator
	p           LQGParams
	S, Full     [4]float64 // the estimated-state plant and the full-information one
	Est         [4]float64 // the filter's estimate of S after the last update
	U, UFull    float64
	Z           [2]float64 // the last measurement of (x, θ)
	Innov       [2]float64
	H, Rm, Qw   *mat.Dense
	P           *mat.Dense // the filter's covariance after the last update
	Steps       int
	T           float64
	Cost, CostF float64 // summed stage costs
	FilterPost  *mat.Dense
	rng         *rand.Rand
}

// NewLQG starts both plants at θ₀ at rest; the filter starts at the
// upright rest state with 0.1 (m, m/s, rad, rad/s) standard deviations.
func NewLQG(p LQGParams, seed uint64) (*LQG, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	g, err := NewRegulator(Barto83, p.LQRParams)
	if err != nil {
		return nil, err
	}
	l := &LQG{C: Barto83, G: g, p: p, rng: rand.New(rand.NewPCG(seed, 0x4c514721))}
	l.S = [4]float64{0, 0, p.Theta0, 0}
	l.Full = l.S
	l.H = mat.NewDense(2, 4, []float64{1, 0, 0, 0, 0, 0, 1, 0})
	l.Rm = mat.NewDense(2, 2, []float64{p.SigmaX * p.SigmaX, 0, 0, p.SigmaTheta * p.SigmaTheta})
	l.Qw = mat.NewDense(4, 4, nil)
	l.Qw.Mul(g.B, g.B.T())
	l.Qw.Scale(math.Max(p.Force*p.Force, 1e-12), l.Qw) // a trace of noise keeps the filter's DARE regular
	l.P = mat.NewDense(4, 4, nil)
	for i := range 4 {
		l.P.Set(i, i, 0.01)
	}
	X, err := DARESchur(g.A.T(), l.H.T(), l.Qw, l.Rm)
	if err != nil {
		return nil, fmt.Errorf("the filter's steady covariance: %w", err)
	}
	K, _ := KalmanGain(X, l.H, l.Rm)
	var KH, post mat.Dense
	KH.Mul(K, l.H)
	post.Mul(&KH, X)
	post.Sub(X, &post)
	l.FilterPost = symmetrise(&post)
	l.measure()
	return l, nil
}

// Params returns the parameters.
func (l *LQG) Params() LQGParams { return l.p }

// Done reports whether either pole fell or either cart left the track.
func (l *LQG) Done() bool { return !Upright(l.S) || !Upright(l.Full) }

// measure takes the noisy measurement of S and updates the estimate.
func (l *LQG) measure() {
	l.Z = [2]float64{l.S[0] + l.p.SigmaX*l.rng.NormFloat64(), l.S[2] + l.p.SigmaTheta*l.rng.NormFloat64()}
	l.Innov = [2]float64{l.Z[0] - l.Est[0], l.Z[1] - l.Est[2]}
	K, _ := KalmanGain(l.P, l.H, l.Rm)
	for i := range 4 {
		l.Est[i] += K.At(i, 0)*l.Innov[0] + K.At(i, 1)*l.Innov[1]
	}
	var KH, IKH, t1, P, KR, KRK mat.Dense
	KH.Mul(K, l.H)
	IKH.Sub(eye(4), &KH)
	t1.Mul(&IKH, l.P)
	P.Mul(&t1, IKH.T())
	KR.Mul(K, l.Rm)
	KRK.Mul(&KR, K.T())
	P.Add(&P, &KRK)
	l.P = symmetrise(&P)
}

func eye(n int) *mat.DiagDense {
	d := mat.NewDiagDense(n, nil)
	for i := range n {
		d.SetDiag(i, 1)
	}
	return d
}

// Step controls both plants for one interval under the same random push,
// predicts the estimate with the model and updates it on the new
// measurement.
func (l *LQG) Step() {
	if l.Done() {
		return
	}
	w := l.p.Force * l.rng.NormFloat64()
	l.U, l.UFull = l.G.Control(l.Est), l.G.Control(l.Full)
	l.Cost += l.G.Cost(l.S, l.U)
	l.CostF += l.G.Cost(l.Full, l.UFull)
	l.S = l.C.Advance(l.S, l.U+w, l.p.Dt)
	l.Full = l.C.Advance(l.Full, l.UFull+w, l.p.Dt)
	// predict with the sampled linear model
	var next mat.VecDense
	next.MulVec(l.G.A, mat.NewVecDense(4, l.Est[:]))
	for i := range 4 {
		l.Est[i] = next.AtVec(i) + l.G.B.At(i, 0)*l.U
	}
	var AP, Pp mat.Dense
	AP.Mul(l.G.A, l.P)
	Pp.Mul(&AP, l.G.A.T())
	Pp.Add(&Pp, l.Qw)
	l.P = symmetrise(&Pp)
	l.T += l.p.Dt
	l.Steps++
	l.measure()
}

// EstimateError is |θ̂ − θ|, the filter's error in the pole's angle (rad).
func (l *LQG) EstimateError() float64 { return math.Abs(l.Est[2] - l.S[2]) }

// MeanCosts are the stage costs a step so far, on the estimate and on the
// true state.
func (l *LQG) MeanCosts() (est, full float64) {
	if l.Steps == 0 {
		return math.NaN(), math.NaN()
	}
	return l.Cost / float64(l.Steps), l.CostF / float64(l.Steps)
}

// TheoryCosts are the linear theory's steady stage costs a step:
// tr(XW) with full information and tr(XW) + tr(Kᵀ(R + BᵀXB)KΣ) on the
// estimate, W the push's covariance and Σ the filter's steady posterior.
func (l *LQG) TheoryCosts() (est, full float64) {
	g := l.G
	var W mat.Dense
	W.Mul(g.B, g.B.T())
	W.Scale(l.p.Force*l.p.Force, &W)
	var XW mat.Dense
	XW.Mul(g.X, &W)
	full = mat.Trace(&XW)
	var XB, S mat.Dense
	XB.Mul(g.X, g.B)
	S.Mul(g.B.T(), &XB)
	s := S.At(0, 0) + g.R.At(0, 0)
	extra := 0.0
	for i := range 4 {
		for j := range 4 {
			extra += g.K[i] * g.K[j] * s * l.FilterPost.At(j, i)
		}
	}
	return full + extra, full
}

// Radius is the spectral radius of the closed loop A − BK: below 1, every
// small disturbance dies away, by that factor a step at the slowest.
func (g *Regulator) Radius() float64 {
	r := 0.0
	for _, e := range g.Eig {
		r = math.Max(r, cmplx.Abs(e))
	}
	return r
}
