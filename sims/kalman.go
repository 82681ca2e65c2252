package sims

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Kalman target models: per axis, white noise of intensity q drives the
// acceleration (constant velocity) or its derivative (constant acceleration).
const (
	KalmanCV = "cv"
	KalmanCA = "ca"
)

// KalmanModels lists the target models.
var KalmanModels = []string{KalmanCV, KalmanCA}

// KalmanParams configures a target moving in the plane under a
// continuous white-noise model, sampled every Dt and measured in position
// with noise Sigma per axis, tracked by a Kalman filter that believes the
// process noise is QScale times the true one.
type KalmanParams struct {
	Model  string  // KalmanCV or KalmanCA
	Dt     float64 // sampling interval, s: 0.01..10
	Q      float64 // true noise intensity q (m²/s³ for cv, m²/s⁵ for ca): 1e-4..1e4
	QScale float64 // the filter's q over the true q: 1e-3..1e3 (1: the right model)
	Sigma  float64 // measurement noise sd per axis, m: 1e-3..1e3
}

// Validate names the first bad field and its valid range.
func (p KalmanParams) Validate() error {
	switch {
	case p.Model != KalmanCV && p.Model != KalmanCA:
		return fmt.Errorf("model = %q: must be one of cv, ca", p.Model)
	case !(p.Dt >= 0.01 && p.Dt <= 10):
		return fmt.Errorf("dt = %g: must be 0.01..10", p.Dt)
	case !(p.Q >= 1e-4 && p.Q <= 1e4):
		return fmt.Errorf("q = %g: must be 1e-4..1e4", p.Q)
	case !(p.QScale >= 1e-3 && p.QScale <= 1e3):
		return fmt.Errorf("qscale = %g: must be 1e-3..1e3", p.QScale)
	case !(p.Sigma >= 1e-3 && p.Sigma <= 1e3):
		return fmt.Errorf("sigma = %g: must be 1e-3..1e3", p.Sigma)
	}
	return nil
}

// order is the states per axis: position, velocity (and acceleration).
func (p KalmanParams) order() int {
	if p.Model == KalmanCA {
		return 3
	}
	return 2
}

// axisModel is one axis's transition matrix F and its process noise
// covariance per unit q: the integral of e^(Fs) G Gᵀ e^(Fᵀs) over a step
// (Bar-Shalom, Li and Kirubarajan 2001, §6.2 and §6.3).
func (p KalmanParams) axisModel() (F, Q [][]float64) {
	t := p.Dt
	if p.Model == KalmanCA {
		return [][]float64{{1, t, t * t / 2}, {0, 1, t}, {0, 0, 1}},
			[][]float64{
				{math.Pow(t, 5) / 20, math.Pow(t, 4) / 8, t * t * t / 6},
				{math.Pow(t, 4) / 8, t * t * t / 3, t * t / 2},
				{t * t * t / 6, t * t / 2, t}}
	}
	return [][]float64{{1, t}, {0, 1}}, [][]float64{{t * t * t / 3, t * t / 2}, {t * t / 2, t}}
}

// Matrices returns the plane's model: the transition A, the measurement H
// (the two positions) and the process noise covariance for intensity q.
// The state is (x, ẋ[, ẍ], y, ẏ[, ÿ]).
func (p KalmanParams) Matrices(q float64) (A, H, Q *mat.Dense) {
	k := p.order()
	F, Qa := p.axisModel()
	A, Q = mat.NewDense(2*k, 2*k, nil), mat.NewDense(2*k, 2*k, nil)
	H = mat.NewDense(2, 2*k, nil)
	for b := range 2 {
		for i := range k {
			for j := range k {
				A.Set(b*k+i, b*k+j, F[i][j])
				Q.Set(b*k+i, b*k+j, q*Qa[i][j])
			}
		}
		H.Set(b, b*k, 1)
	}
	return A, H, Q
}

// Kalman is the target and its filter. The filter's update is the Joseph
// form (I−KH)P⁻(I−KH)ᵀ + KRKᵀ, which stays symmetric and positive.
type Kalman struct {
	p         KalmanParams
	A, H, R   *mat.Dense
	Qf        *mat.Dense // the filter's process noise
	cholQ     *mat.Cholesky
	X         *mat.VecDense // the true state
	Xhat      *mat.VecDense // the filter's estimate after the last update
	P         *mat.Dense    // its covariance
	Xprior    *mat.VecDense // after the last prediction
	Pprior    *mat.Dense
	Z         [2]float64 // the last measurement
	Innov     [2]float64 // z − Hx⁻
	S         *mat.Dense // the innovation covariance HP⁻Hᵀ + R
	K         *mat.Dense // the gain
	NIS       float64    // innovation squared, normalised: νᵀS⁻¹ν
	NEES      float64    // estimation error squared, normalised: eᵀP⁻¹e
	Steps     int
	Pending   bool // predicted, not yet updated: half a step taken
	nisSum    float64
	DARE      *mat.Dense // the steady prior covariance (the DARE solution)
	DAREPost  *mat.Dense // the steady posterior covariance
	DAREIter  int        // iterations the recursion took to agree to 1e-13
	DAREAgree float64    // ‖X_iteration − X_Schur‖₁/‖X_Schur‖₁
	rng       *rand.Rand
}

// NewKalman starts a target and a filter. The filter's first estimate is
// (0, 0) at 1 m/s along x with covariance P₀ (σ² in position, 1 m²/s² in
// velocity, 1 m²/s⁴ in acceleration); the target's true state is drawn from
// that prior, so that a filter with the right model is exactly consistent
// from the first step.
func NewKalman(p KalmanParams, seed uint64) (*Kalman, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	A, H, Qt := p.Matrices(p.Q)
	_, _, Qf := p.Matrices(p.Q * p.QScale)
	R := mat.NewDense(2, 2, []float64{p.Sigma * p.Sigma, 0, 0, p.Sigma * p.Sigma})
	k := p.order()
	n := 2 * k
	kf := &Kalman{p: p, A: A, H: H, R: R, Qf: Qf, rng: rand.New(rand.NewPCG(seed, 0x4b414c4d)),
		NIS: math.NaN(), NEES: math.NaN()}
	var chol mat.Cholesky
	if !chol.Factorize(mat.NewSymDense(n, symData(Qt))) {
		return nil, fmt.Errorf("process noise covariance is not positive definite (dt = %g)", p.Dt)
	}
	kf.cholQ = &chol
	P0 := mat.NewDense(n, n, nil)
	for b := range 2 {
		P0.Set(b*k, b*k, p.Sigma*p.Sigma)
		for i := 1; i < k; i++ {
			P0.Set(b*k+i, b*k+i, 1)
		}
	}
	x0 := mat.NewVecDense(n, nil)
	x0.SetVec(1, 1)
	kf.Xhat = mat.VecDenseCopyOf(x0)
	kf.P = mat.DenseCopyOf(P0)
	kf.X = mat.NewVecDense(n, nil)
	for i := range n {
		kf.X.SetVec(i, x0.AtVec(i)+math.Sqrt(P0.At(i, i))*kf.rng.NormFloat64())
	}
	kf.Xprior, kf.Pprior = mat.VecDenseCopyOf(kf.Xhat), mat.DenseCopyOf(kf.P)
	X, err := DARESchur(A.T(), H.T(), Qf, R)
	if err != nil {
		return nil, fmt.Errorf("steady covariance: %w", err)
	}
	Xi, iters, err := DAREIterate(A.T(), H.T(), Qf, R, 1e-13, 1000000)
	if err != nil {
		return nil, fmt.Errorf("steady covariance by iteration: %w", err)
	}
	kf.DAREIter, kf.DAREAgree = iters, relDiff(Xi, X)
	kf.DARE = X
	K, _ := KalmanGain(X, H, R)
	var KH, post mat.Dense
	KH.Mul(K, H)
	post.Mul(&KH, X)
	post.Sub(X, &post)
	kf.DAREPost = symmetrise(&post)
	return kf, nil
}

func symData(m *mat.Dense) []float64 {
	n, _ := m.Dims()
	d := make([]float64, n*n)
	for i := range n {
		for j := range n {
			d[i*n+j] = (m.At(i, j) + m.At(j, i)) / 2
		}
	}
	return d
}

// Params returns the parameters.
func (kf *Kalman) Params() KalmanParams { return kf.p }

// Step moves the target one interval and runs the filter's prediction and
// update on the new measurement.
func (kf *Kalman) Step() {
	if !kf.Pending {
		kf.Predict()
	}
	kf.Update()
}

// Predict is the first half of a step: the target moves one interval and
// the filter predicts, x⁻ = Ax̂ and P⁻ = APAᵀ + Q; the step then waits for
// Update. (Step runs both: the random draws are the same either way.)
func (kf *Kalman) Predict() {
	if kf.Pending {
		return
	}
	n := kf.X.Len()
	// the target: x ← Ax + w, w ~ N(0, Q)
	xi := mat.NewVecDense(n, nil)
	for i := range n {
		xi.SetVec(i, kf.rng.NormFloat64())
	}
	var L mat.TriDense
	kf.cholQ.LTo(&L)
	var w, x mat.VecDense
	w.MulVec(&L, xi)
	x.MulVec(kf.A, kf.X)
	x.AddVec(&x, &w)
	kf.X = &x

	// predict: x⁻ = Ax̂, P⁻ = APAᵀ + Q
	var xp mat.VecDense
	xp.MulVec(kf.A, kf.Xhat)
	var AP, Pp mat.Dense
	AP.Mul(kf.A, kf.P)
	Pp.Mul(&AP, kf.A.T())
	Pp.Add(&Pp, kf.Qf)
	kf.Xprior, kf.Pprior = &xp, symmetrise(&Pp)
	kf.Pending = true
}

// Update is the second half of a step: the target is measured, and the
// filter updates on the innovation ν = z − Hx⁻ with S = HP⁻Hᵀ + R and
// K = P⁻HᵀS⁻¹.
func (kf *Kalman) Update() {
	if !kf.Pending {
		return
	}
	n := kf.X.Len()
	x := kf.X
	kf.Z = [2]float64{x.AtVec(0) + kf.p.Sigma*kf.rng.NormFloat64(),
		x.AtVec(n/2) + kf.p.Sigma*kf.rng.NormFloat64()}
	xp := *kf.Xprior
	var hx mat.VecDense
	hx.MulVec(kf.H, &xp)
	kf.Innov = [2]float64{kf.Z[0] - hx.AtVec(0), kf.Z[1] - hx.AtVec(1)}
	var PH, S mat.Dense
	PH.Mul(kf.Pprior, kf.H.T())
	S.Mul(kf.H, &PH)
	S.Add(&S, kf.R)
	kf.S = &S
	kf.K, _ = KalmanGain(kf.Pprior, kf.H, kf.R)
	nu := mat.NewVecDense(2, kf.Innov[:])
	kf.NIS = quadInv(&S, nu)
	var Knu, xu mat.VecDense
	Knu.MulVec(kf.K, nu)
	xu.AddVec(&xp, &Knu)
	kf.Xhat = &xu
	I := eye(n)
	var KH, IKH, t1, P, KR mat.Dense
	KH.Mul(kf.K, kf.H)
	IKH.Sub(I, &KH)
	t1.Mul(&IKH, kf.Pprior)
	P.Mul(&t1, IKH.T())
	KR.Mul(kf.K, kf.R)
	var KRK mat.Dense
	KRK.Mul(&KR, kf.K.T())
	P.Add(&P, &KRK)
	kf.P = symmetrise(&P)
	var e mat.VecDense
	e.SubVec(kf.X, kf.Xhat)
	kf.NEES = quadInv(kf.P, &e)
	kf.Steps++
	kf.nisSum += kf.NIS
	kf.Pending = false
}

// quadInv is vᵀM⁻¹v for a positive definite M (NaN if it is not).
func quadInv(M *mat.Dense, v *mat.VecDense) float64 {
	var y mat.VecDense
	if err := y.SolveVec(M, v); err != nil {
		return math.NaN()
	}
	return mat.Dot(v, &y)
}

// Position is the true position.
func (kf *Kalman) Position() (x, y float64) { return kf.X.AtVec(0), kf.X.AtVec(kf.X.Len() / 2) }

// Estimate is the filter's position after the last update.
func (kf *Kalman) Estimate() (x, y float64) {
	return kf.Xhat.AtVec(0), kf.Xhat.AtVec(kf.Xhat.Len() / 2)
}

// PriorEstimate is the predicted position before the last update.
func (kf *Kalman) PriorEstimate() (x, y float64) {
	return kf.Xprior.AtVec(0), kf.Xprior.AtVec(kf.Xprior.Len() / 2)
}

// Error is the distance between the estimated and the true position.
func (kf *Kalman) Error() float64 {
	x, y := kf.Position()
	ex, ey := kf.Estimate()
	return math.Hypot(ex-x, ey-y)
}

// PositionCov is the 2×2 position block (xx, xy, yy) of a state covariance.
func (kf *Kalman) PositionCov(P *mat.Dense) (xx, xy, yy float64) {
	k := kf.p.order()
	return P.At(0, 0), P.At(0, k), P.At(k, k)
}

// MeanNIS is the time average of the NIS so far (NaN before a step).
func (kf *Kalman) MeanNIS() float64 {
	if kf.Steps == 0 {
		return math.NaN()
	}
	return kf.nisSum / float64(kf.Steps)
}

// NISBand is the two-sided interval that holds the time-averaged NIS of a
// consistent filter over n steps with probability conf: n·NIS̄ is χ² with
// 2n degrees of freedom (two measured coordinates a step).
func NISBand(n int, conf float64) (lo, hi float64) {
	if n < 1 {
		return math.NaN(), math.NaN()
	}
	c := distuv.ChiSquared{K: float64(2 * n)}
	a := (1 - conf) / 2
	return c.Quantile(a) / float64(n), c.Quantile(1-a) / float64(n)
}

// PriorGap is ‖P⁻ − X‖₁/‖X‖₁, the prior covariance's distance from the
// DARE solution.
func (kf *Kalman) PriorGap() float64 { return relDiff(kf.Pprior, kf.DARE) }

func relDiff(X, Y mat.Matrix) float64 {
	var d mat.Dense
	d.Sub(X, Y)
	return mat.Norm(&d, 1) / mat.Norm(Y, 1)
}

// Ellipse returns n+1 points of the 2σ ellipse of the position block
// (xx, xy, yy) centred on (cx, cy).
func Ellipse(cx, cy, xx, xy, yy float64, n int) (xs, ys []float64) {
	// eigen-decomposition of the 2×2 block
	tr, det := xx+yy, xx*yy-xy*xy
	disc := math.Sqrt(math.Max(tr*tr/4-det, 0))
	l1, l2 := tr/2+disc, math.Max(tr/2-disc, 0)
	th := 0.5 * math.Atan2(2*xy, xx-yy)
	a, b := 2*math.Sqrt(l1), 2*math.Sqrt(l2)
	for i := 0; i <= n; i++ {
		u := 2 * math.Pi * float64(i) / float64(n)
		ex, ey := a*math.Cos(u), b*math.Sin(u)
		xs = append(xs, cx+ex*math.Cos(th)-ey*math.Sin(th))
		ys = append(ys, cy+ex*math.Sin(th)+ey*math.Cos(th))
	}
	return xs, ys
}

// TrueSteady is the true steady covariance of the estimation error after
// an update, and the expected NIS, when the filter runs with its steady
// gain K: Σ = (I−KH)(AΣAᵀ + Q)(I−KH)ᵀ + KRKᵀ with the true Q, and
// E[NIS] = tr(S⁻¹(HΣ⁻Hᵀ + R)) with the filter's S. With the right model Σ
// is the filter's own steady covariance and E[NIS] = 2; with too little
// process noise Σ exceeds what the filter claims and E[NIS] > 2.
func (kf *Kalman) TrueSteady() (post *mat.Dense, nis float64) {
	_, _, Qt := kf.p.Matrices(kf.p.Q)
	K, _ := KalmanGain(kf.DARE, kf.H, kf.R)
	n, _ := kf.A.Dims()
	I := eye(n)
	var KH, IKH, KRK, KR mat.Dense
	KH.Mul(K, kf.H)
	IKH.Sub(I, &KH)
	KR.Mul(K, kf.R)
	KRK.Mul(&KR, K.T())
	sigma := mat.DenseCopyOf(kf.DAREPost)
	var prior mat.Dense
	for range 100000 {
		var AS, t1, next mat.Dense
		AS.Mul(kf.A, sigma)
		prior.Mul(&AS, kf.A.T())
		prior.Add(&prior, Qt)
		t1.Mul(&IKH, &prior)
		next.Mul(&t1, IKH.T())
		next.Add(&next, &KRK)
		done := relDiff(&next, sigma) < 1e-13
		sigma = symmetrise(&next)
		if done {
			break
		}
	}
	var PH, Sf, St, M mat.Dense
	PH.Mul(kf.DARE, kf.H.T())
	Sf.Mul(kf.H, &PH)
	Sf.Add(&Sf, kf.R)
	PH.Mul(&prior, kf.H.T())
	St.Mul(kf.H, &PH)
	St.Add(&St, kf.R)
	if err := M.Solve(&Sf, &St); err != nil {
		return sigma, math.NaN()
	}
	return sigma, mat.Trace(&M)
}

// TraceP is the trace of the filter's covariance after the last update,
// and TraceSteady that of the steady posterior it converges to.
func (kf *Kalman) TraceP() float64      { return mat.Trace(kf.P) }
func (kf *Kalman) TraceSteady() float64 { return mat.Trace(kf.DAREPost) }
