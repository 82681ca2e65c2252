package sims

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// SensorimotorParams configures the hand-estimation task of Wolpert,
// Ghahramani and Jordan (1995): the hand, a damped mass m ẍ = u + f − βẋ + w,
// moves in the dark under a constant command u (and an external force f
// the subject does not know of) for a movement time between 0.5 and 2.5 s;
// the brain estimates where it is with a Kalman filter whose forward model
// takes the command to be (1 + Overestimate)·u, corrected by
// proprioception with noise of sd Sensor. The hand is seen at the start:
// the estimate starts exact.
type SensorimotorParams struct {
	Mass, Damping float64 // kg, N·s/m
	Command       float64 // u, N
	External      float64 // f, N: > 0 assists the movement, < 0 resists it
	Overestimate  float64 // the forward model's relative error in the force
	Motor         float64 // sd of the motor noise w, N
	Sensor        float64 // sd of proprioception, m
}

// Validate names the first bad field and its valid range.
func (p SensorimotorParams) Validate() error {
	switch {
	case !(p.Mass >= 0.1 && p.Mass <= 10):
		return fmt.Errorf("mass = %g: must be 0.1..10 kg", p.Mass)
	case !(p.Damping >= 0.1 && p.Damping <= 100):
		return fmt.Errorf("damping = %g: must be 0.1..100 N·s/m", p.Damping)
	case !(p.Command >= 0 && p.Command <= 10):
		return fmt.Errorf("command = %g: must be 0..10 N", p.Command)
	case !(math.Abs(p.External) <= 10):
		return fmt.Errorf("external = %g: must be -10..10 N", p.External)
	case !(p.Overestimate >= -0.9 && p.Overestimate <= 2):
		return fmt.Errorf("overestimate = %g: must be -0.9..2", p.Overestimate)
	case !(p.Motor >= 1e-4 && p.Motor <= 10):
		return fmt.Errorf("motor = %g: must be 0.0001..10 N", p.Motor)
	case !(p.Sensor >= 1e-4 && p.Sensor <= 1):
		return fmt.Errorf("sensor = %g: must be 0.0001..1 m", p.Sensor)
	}
	return nil
}

// Movement times of the task, s: 0.5 to 2.5 in steps of 0.25 (the range of
// the paper's figure 2).
var MovementTimes = []float64{0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.25, 2.5}

// SensorimotorDt is the integration and sensing interval, s.
const SensorimotorDt = 0.01

// Sensorimotor runs trials of the task: each a movement of one of the
// MovementTimes, chosen at random, ending in an estimate of where the hand
// is. It keeps, for every movement time, the sum and sum of squares of the
// estimate's error x̂ − x at the end, and the theory's bias and variance
// at every time: the error's mean and variance follow deterministic
// recursions, because the filter's gains do not depend on the data.
type Sensorimotor struct {
	p          SensorimotorParams
	A, B       *mat.Dense // the sampled hand
	gains      [][2]float64
	Bias, Var  []float64 // theory at each step (0 at t = 0)
	N          []int     // trials at each movement time
	sum, sum2  []float64
	Trials     int
	Last       Trial // the last trial
	rng        *rand.Rand
	stepsOfEnd []int
}

// Trial is one movement: the true and estimated hand positions at every
// step, the movement time, and the final error.
type Trial struct {
	T          float64
	X, Est, Sd []float64 // true position, estimate and the filter's sd, every step
	Err        float64
}

// NewSensorimotor prepares the task and its theory.
func NewSensorimotor(p SensorimotorParams, seed uint64) (*Sensorimotor, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	Ac := mat.NewDense(2, 2, []float64{0, 1, 0, -p.Damping / p.Mass})
	Bc := mat.NewDense(2, 1, []float64{0, 1 / p.Mass})
	A, B := Discretise(Ac, Bc, SensorimotorDt)
	s := &Sensorimotor{p: p, A: A, B: B, rng: rand.New(rand.NewPCG(seed, 0x574f4c50))}
	n := len(MovementTimes)
	s.N, s.sum, s.sum2 = make([]int, n), make([]float64, n), make([]float64, n)
	for _, t := range MovementTimes {
		s.stepsOfEnd = append(s.stepsOfEnd, int(math.Round(t/SensorimotorDt)))
	}
	s.theory()
	return s, nil
}

// Params returns the parameters.
func (s *Sensorimotor) Params() SensorimotorParams { return s.p }

// theory runs the filter's covariance recursion (P₀ = 0: the hand is seen)
// for its gains, and the error's mean ē and covariance Σ:
//
//	ē⁻ = Aē + B(γu − f),  ē = (I − KH)ē⁻
//	Σ⁻ = AΣAᵀ + BBᵀσ_w²,  Σ = (I − KH)Σ⁻(I − KH)ᵀ + KKᵀσ_s²
//
// (the filter's noise model is the true one, so Σ is also its P).
func (s *Sensorimotor) theory() {
	p := s.p
	steps := s.stepsOfEnd[len(s.stepsOfEnd)-1]
	a, b := s.A.RawMatrix().Data, [2]float64{s.B.At(0, 0), s.B.At(1, 0)}
	var e [2]float64
	var P [2][2]float64
	q := p.Motor * p.Motor
	r := p.Sensor * p.Sensor
	s.Bias, s.Var = []float64{0}, []float64{0}
	s.gains = [][2]float64{{0, 0}}
	drive := p.Overestimate*p.Command - p.External
	for range steps {
		// predict
		e = [2]float64{a[0]*e[0] + a[1]*e[1] + b[0]*drive, a[2]*e[0] + a[3]*e[1] + b[1]*drive}
		var AP [2][2]float64
		for i := range 2 {
			for j := range 2 {
				AP[i][j] = a[2*i]*P[0][j] + a[2*i+1]*P[1][j]
			}
		}
		for i := range 2 {
			for j := range 2 {
				P[i][j] = AP[i][0]*a[2*j] + AP[i][1]*a[2*j+1] + b[i]*b[j]*q
			}
		}
		// update on x
		sInn := P[0][0] + r
		k := [2]float64{P[0][0] / sInn, P[1][0] / sInn}
		e = [2]float64{(1 - k[0]) * e[0], e[1] - k[1]*e[0]}
		// Joseph form with H = (1, 0)
		IKH := [2][2]float64{{1 - k[0], 0}, {-k[1], 1}}
		var t1, np [2][2]float64
		for i := range 2 {
			for j := range 2 {
				t1[i][j] = IKH[i][0]*P[0][j] + IKH[i][1]*P[1][j]
			}
		}
		for i := range 2 {
			for j := range 2 {
				np[i][j] = t1[i][0]*IKH[j][0] + t1[i][1]*IKH[j][1] + k[i]*k[j]*r
			}
		}
		P = np
		s.gains = append(s.gains, k)
		s.Bias = append(s.Bias, e[0])
		s.Var = append(s.Var, P[0][0])
	}
}

// Step runs one trial of a movement time drawn at random.
func (s *Sensorimotor) Step() {
	p := s.p
	i := s.rng.IntN(len(MovementTimes))
	steps := s.stepsOfEnd[i]
	a, b := s.A.RawMatrix().Data, [2]float64{s.B.At(0, 0), s.B.At(1, 0)}
	var x, est [2]float64
	tr := Trial{T: MovementTimes[i], X: []float64{0}, Est: []float64{0}, Sd: []float64{0}}
	uModel := (1 + p.Overestimate) * p.Command
	for k := 1; k <= steps; k++ {
		f := p.Command + p.External + p.Motor*s.rng.NormFloat64()
		x = [2]float64{a[0]*x[0] + a[1]*x[1] + b[0]*f, a[2]*x[0] + a[3]*x[1] + b[1]*f}
		est = [2]float64{a[0]*est[0] + a[1]*est[1] + b[0]*uModel, a[2]*est[0] + a[3]*est[1] + b[1]*uModel}
		y := x[0] + p.Sensor*s.rng.NormFloat64()
		g := s.gains[k]
		inn := y - est[0]
		est = [2]float64{est[0] + g[0]*inn, est[1] + g[1]*inn}
		tr.X, tr.Est, tr.Sd = append(tr.X, x[0]), append(tr.Est, est[0]), append(tr.Sd, math.Sqrt(s.Var[k]))
	}
	tr.Err = est[0] - x[0]
	s.Last = tr
	s.N[i]++
	s.sum[i] += tr.Err
	s.sum2[i] += tr.Err * tr.Err
	s.Trials++
}

// Measured is the mean and the variance (n − 1) of the final error over
// the trials of movement time i, and the trials (NaN where too few).
func (s *Sensorimotor) Measured(i int) (bias, variance float64, n int) {
	n = s.N[i]
	if n == 0 {
		return math.NaN(), math.NaN(), 0
	}
	bias = s.sum[i] / float64(n)
	if n < 2 {
		return bias, math.NaN(), n
	}
	return bias, math.Max(0, (s.sum2[i]-float64(n)*bias*bias)/float64(n-1)), n
}

// Theory is the error's bias and variance at the end of a movement of
// time t (one of the MovementTimes or any time up to the longest).
func (s *Sensorimotor) Theory(t float64) (bias, variance float64) {
	k := min(len(s.Bias)-1, max(0, int(math.Round(t/SensorimotorDt))))
	return s.Bias[k], s.Var[k]
}

// PeakBias is the movement time at which the theory's bias is largest in
// size, and that bias.
func (s *Sensorimotor) PeakBias() (t, bias float64) {
	for k, b := range s.Bias {
		if math.Abs(b) > math.Abs(bias) {
			t, bias = float64(k)*SensorimotorDt, b
		}
	}
	return t, bias
}
