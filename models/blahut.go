package models

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Channels of the capacity experiment.
const (
	ChannelBSC    = "bsc"    // binary symmetric, crossover p
	ChannelBEC    = "bec"    // binary erasure, erasure ε
	ChannelZ      = "z"      // Z: 0 → 0 always, 1 → 0 with probability p
	ChannelMatrix = "matrix" // typed in
)

// Channels lists them.
var Channels = []string{ChannelBSC, ChannelBEC, ChannelZ, ChannelMatrix}

// NamedChannel returns the transition matrix W[x][y] = P(y | x) of a
// named channel with parameter p.
func NamedChannel(name string, p float64) ([][]float64, error) {
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("p = %g: must be 0..1", p)
	}
	switch name {
	case ChannelBSC:
		return [][]float64{{1 - p, p}, {p, 1 - p}}, nil
	case ChannelBEC:
		return [][]float64{{1 - p, p, 0}, {0, p, 1 - p}}, nil
	case ChannelZ:
		return [][]float64{{1, 0}, {p, 1 - p}}, nil
	}
	return nil, fmt.Errorf("channel = %q: must be one of bsc, bec, z (or matrix with --matrix)", name)
}

// ParseChannel reads a channel matrix typed as rows of P(y | x) separated
// by ";" and entries by ",": "0.9,0.1;0.2,0.8". Every row must be a
// distribution over the same outputs.
func ParseChannel(s string) ([][]float64, error) {
	var W [][]float64
	for i, row := range strings.Split(s, ";") {
		var r []float64
		sum := 0.0
		for _, f := range strings.Split(row, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("matrix row %d: %q is not a probability 0..1", i+1, strings.TrimSpace(f))
			}
			r = append(r, v)
			sum += v
		}
		if math.Abs(sum-1) > 1e-6 {
			return nil, fmt.Errorf("matrix row %d sums to %g, not 1", i+1, sum)
		}
		if len(W) > 0 && len(r) != len(W[0]) {
			return nil, fmt.Errorf("matrix row %d has %d entries, row 1 has %d", i+1, len(r), len(W[0]))
		}
		W = append(W, r)
	}
	if len(W) < 2 || len(W) > 64 || len(W[0]) < 2 || len(W[0]) > 64 {
		return nil, fmt.Errorf("matrix is %d×%d: needs 2..64 inputs and outputs", len(W), len(W[0]))
	}
	return W, nil
}

// CapacityTheory is the closed-form capacity of a named channel (NaN for
// a typed matrix): 1 − H(p) for the BSC, 1 − ε for the BEC and
// log₂(1 + (1−p)·p^(p/(1−p))) for the Z-channel.
func CapacityTheory(name string, p float64) float64 {
	switch name {
	case ChannelBSC:
		return 1 - H2(p)
	case ChannelBEC:
		return 1 - p
	case ChannelZ:
		if p >= 1 {
			return 0
		}
		return math.Log2(1 + (1-p)*math.Pow(p, p/(1-p)))
	}
	return math.NaN()
}

// BlahutArimoto computes a channel's capacity one iteration at a time
// (Blahut 1972, Arimoto 1972): with q(y) = Σ r(x)W(y|x) and
// D(x) = Σ_y W(y|x) log₂(W(y|x)/q(y)), the update r(x) ← r(x)2^D(x)/Σ
// raises the mutual information, and log₂ Σ r(x)2^D(x) ≤ C ≤ max_x D(x)
// bound the capacity from both sides at every iteration.
type BlahutArimoto struct {
	W            [][]float64
	R            []float64 // the input distribution
	Lower, Upper float64   // the bounds after the last iteration
	Iter         int
	LastD        []float64 // D(x) of the last iteration
}

// NewBlahutArimoto starts from the skewed input r(x) ∝ 2^(−x), not the
// uniform one: for symmetric channels the uniform input is already the
// answer, and the iteration would have nothing to show.
func NewBlahutArimoto(W [][]float64) *BlahutArimoto {
	r := make([]float64, len(W))
	s := 0.0
	for i := range r {
		r[i] = math.Exp2(-float64(i))
		s += r[i]
	}
	for i := range r {
		r[i] /= s
	}
	b := &BlahutArimoto{W: W, R: r}
	b.bounds()
	return b
}

// divergences is D(x) for the current input.
func (b *BlahutArimoto) divergences() []float64 {
	ny := len(b.W[0])
	q := make([]float64, ny)
	for x, row := range b.W {
		for y, w := range row {
			q[y] += b.R[x] * w
		}
	}
	d := make([]float64, len(b.W))
	for x, row := range b.W {
		for y, w := range row {
			if w > 0 {
				d[x] += w * math.Log2(w/q[y])
			}
		}
	}
	return d
}

func (b *BlahutArimoto) bounds() {
	d := b.divergences()
	s, mx := 0.0, math.Inf(-1)
	for x, v := range d {
		s += b.R[x] * math.Exp2(v)
		mx = math.Max(mx, v)
	}
	b.Lower, b.Upper, b.LastD = math.Log2(s), mx, d
}

// Step is one iteration.
func (b *BlahutArimoto) Step() {
	d := b.LastD
	s := 0.0
	for x := range b.R {
		b.R[x] *= math.Exp2(d[x])
		s += b.R[x]
	}
	for x := range b.R {
		b.R[x] /= s
	}
	b.Iter++
	b.bounds()
}

// MutualInformation is I(X;Y) = Σ r(x)D(x) of the current input.
func (b *BlahutArimoto) MutualInformation() float64 {
	s := 0.0
	for x, v := range b.LastD {
		s += b.R[x] * v
	}
	return s
}

// RateDistortion traces the rate-distortion function of a discrete source
// p(x) under a distortion d(x, x̂) by Blahut's algorithm: at slope −β,
// Q(x̂|x) ∝ q(x̂)e^(−βd(x,x̂)) and q(x̂) = Σ p(x)Q(x̂|x), iterated to
// convergence, give a point (D, R) on the curve; β then moves on.
type RateDistortion struct {
	P      []float64   // the source
	Dist   [][]float64 // d(x, x̂)
	Q      []float64   // the reproduction distribution at the current β
	Betas  []float64   // the slopes to trace, in order
	K      int         // the current β's index
	Iter   int         // iterations at the current β
	Points [][2]float64
	D, R   float64 // the last point traced
	change float64
	kernel [][]float64 // e^(−βd(x,x̂)) at the current β
	kBeta  float64
}

// RDTol is the change in q below which a point has converged, and RDMax
// the iterations a point gets at most (near D = 0 and on fine grids the
// iteration is slow; R and D settle long before q does).
const (
	RDTol = 1e-10
	RDMax = 20000
)

// NewRateDistortion starts at the first slope from a uniform q.
func NewRateDistortion(p []float64, d [][]float64, betas []float64) *RateDistortion {
	q := make([]float64, len(d[0]))
	for i := range q {
		q[i] = 1 / float64(len(q))
	}
	return &RateDistortion{P: p, Dist: d, Q: q, Betas: betas, change: math.Inf(1)}
}

// Done reports whether every slope has been traced.
func (rd *RateDistortion) Done() bool { return rd.K >= len(rd.Betas) }

// Beta is the current slope parameter.
func (rd *RateDistortion) Beta() float64 { return rd.Betas[min(rd.K, len(rd.Betas)-1)] }

// Step is one iteration at the current slope; when q has converged the
// point is kept and the next slope starts from this q.
func (rd *RateDistortion) Step() {
	if rd.Done() {
		return
	}
	beta := rd.Betas[rd.K]
	if rd.kernel == nil || rd.kBeta != beta {
		rd.kernel, rd.kBeta = make([][]float64, len(rd.Dist)), beta
		for x, row := range rd.Dist {
			rd.kernel[x] = make([]float64, len(row))
			for j, d := range row {
				rd.kernel[x][j] = math.Exp(-beta * d)
			}
		}
	}
	nq := len(rd.Q)
	next := make([]float64, nq)
	for x, px := range rd.P {
		if px == 0 {
			continue
		}
		z := 0.0
		for j, k := range rd.kernel[x] {
			z += rd.Q[j] * k
		}
		for j, k := range rd.kernel[x] {
			next[j] += px * rd.Q[j] * k / z
		}
	}
	rd.change = 0
	for j := range next {
		rd.change = math.Max(rd.change, math.Abs(next[j]-rd.Q[j]))
	}
	rd.Q = next
	rd.Iter++
	if rd.change < RDTol || rd.Iter >= RDMax {
		rd.D, rd.R = rd.point(rd.Q)
		rd.Points = append(rd.Points, [2]float64{rd.D, rd.R})
		rd.K++
		rd.Iter = 0
	}
}

// Current is the point (D, R) of the current q at the current β (the last
// point traced once every slope is done).
func (rd *RateDistortion) Current() (D, R float64) {
	if rd.Done() || rd.kernel == nil {
		return rd.D, rd.R
	}
	return rd.point(rd.Q)
}

// point is the distortion and rate of the test channel Q(x̂|x) ∝
// q(x̂)e^(−βd) that q defines at the current β.
func (rd *RateDistortion) point(q []float64) (D, R float64) {
	for x, px := range rd.P {
		if px == 0 {
			continue
		}
		z := 0.0
		for j, k := range rd.kernel[x] {
			z += q[j] * k
		}
		for j, k := range rd.kernel[x] {
			if c := k / z; c > 0 && q[j] > 0 {
				w := px * q[j] * c
				D += w * rd.Dist[x][j]
				R += w * math.Log2(c)
			}
		}
	}
	return D, R
}

// Change is the largest change of q in the last iteration.
func (rd *RateDistortion) Change() float64 { return rd.change }

// Sources of the rate-distortion experiment.
const (
	SourceBinary   = "binary"   // Bernoulli(p), Hamming distortion
	SourceGaussian = "gaussian" // N(0, 1) on a grid, squared error
)

// RDSources lists them.
var RDSources = []string{SourceBinary, SourceGaussian}

// GaussGrid is the number of grid points of the discretised Gaussian, over
// ±GaussSpan standard deviations.
const (
	GaussGrid = 41
	GaussSpan = 6.0
)

// RDProblem returns the source, the distortion matrix, the slopes to trace
// and the closed form R(D) of a named source: for Bernoulli(p) under
// Hamming distortion R(D) = H(p) − H(D) (D < min(p, 1−p)); for the unit
// Gaussian under squared error R(D) = ½log₂(1/D) (D < 1), here on a grid.
func RDProblem(source string, p float64) (src []float64, d [][]float64, betas []float64, theory func(D float64) float64, err error) {
	switch source {
	case SourceBinary:
		if !(p > 0 && p < 1) {
			return nil, nil, nil, nil, fmt.Errorf("p = %g: must be between 0 and 1", p)
		}
		src = []float64{1 - p, p}
		d = [][]float64{{0, 1}, {1, 0}}
		for b := 0.5; b <= 12; b += 0.5 {
			betas = append(betas, b)
		}
		pm := math.Min(p, 1-p)
		theory = func(D float64) float64 {
			if D >= pm {
				return 0
			}
			return H2(p) - H2(D)
		}
		return src, d, betas, theory, nil
	case SourceGaussian:
		xs := make([]float64, GaussGrid)
		src = make([]float64, GaussGrid)
		s := 0.0
		for i := range xs {
			xs[i] = -GaussSpan + 2*GaussSpan*float64(i)/float64(GaussGrid-1)
			src[i] = math.Exp(-xs[i] * xs[i] / 2)
			s += src[i]
		}
		for i := range src {
			src[i] /= s
		}
		d = make([][]float64, GaussGrid)
		for i := range d {
			d[i] = make([]float64, GaussGrid)
			for j := range d[i] {
				d[i][j] = (xs[i] - xs[j]) * (xs[i] - xs[j])
			}
		}
		// slopes β = 1/(2D ln 2)·… : D from 0.9 down to 0.05
		for _, D := range []float64{0.9, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1, 0.07, 0.05} {
			betas = append(betas, 1/(2*D))
		}
		theory = func(D float64) float64 {
			if D >= 1 {
				return 0
			}
			return 0.5 * math.Log2(1/D)
		}
		return src, d, betas, theory, nil
	}
	return nil, nil, nil, nil, fmt.Errorf("source = %q: must be one of binary, gaussian", source)
}
