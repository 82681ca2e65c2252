package models

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Hopfield pattern kinds, storage rules and cues.
const (
	Random  = "random"  // independent ±1 spins, half of each
	Letters = "letters" // letters and digits drawn on the grid: correlated and biased
	Biased  = "biased"  // independent spins with P(+1) = (1 + bias)/2

	Hebb       = "hebb"       // J = (1/N) Σ ξξᵀ (Hebb 1949; Hopfield 1982)
	Projection = "projection" // J = Ξ (ΞᵀΞ)⁻¹ Ξᵀ: every pattern a fixed point, up to p = N

	CueFlip = "flip" // flip a fraction of the target's spins
	CueHalf = "half" // keep the top half of the target, blank (−1) the rest
)

// Choices of the Hopfield parameters.
var (
	PatternKinds = []string{Random, Letters, Biased}
	Rules        = []string{Hebb, Projection}
	Cues         = []string{CueFlip, CueHalf}
)

// Limits of HopfieldParams.
const (
	MinNeurons = 16
	MaxNeurons = 4096
)

// HopfieldParams configures a Hopfield network and the cue it is given.
type HopfieldParams struct {
	N        int     // neurons, MinNeurons..MaxNeurons, drawn as a grid
	Patterns int     // stored memories p, 1..N−1 (letters: at most 36)
	Kind     string  // Random, Letters or Biased
	Bias     float64 // Biased: mean activity, 0..0.95
	Rule     string  // Hebb or Projection
	Cue      string  // CueFlip or CueHalf
	Flip     float64 // CueFlip: fraction of spins flipped, 0..0.5
	Temp     float64 // temperature T of Glauber dynamics, 0..5 (0: Hopfield's rule)
	Target   int     // the cued memory, 1..Patterns
}

// Validate names the first bad field, its value and the valid range.
func (p HopfieldParams) Validate() error {
	maxP := p.N - 1
	if p.Kind == Letters {
		maxP = min(maxP, len(letterOrder))
	}
	switch {
	case p.N < MinNeurons || p.N > MaxNeurons:
		return fmt.Errorf("n = %d: must be %d..%d", p.N, MinNeurons, MaxNeurons)
	case p.Kind != Random && p.Kind != Letters && p.Kind != Biased:
		return fmt.Errorf("kind = %q: must be one of random, letters, biased", p.Kind)
	case p.Patterns < 1 || p.Patterns > maxP:
		if p.Kind == Letters {
			return fmt.Errorf("patterns = %d: must be 1..%d for letters at n = %d", p.Patterns, maxP, p.N)
		}
		return fmt.Errorf("patterns = %d: must be 1..%d (n − 1)", p.Patterns, maxP)
	case !(p.Bias >= 0 && p.Bias <= 0.95):
		return fmt.Errorf("bias = %g: must be 0..0.95", p.Bias)
	case p.Rule != Hebb && p.Rule != Projection:
		return fmt.Errorf("rule = %q: must be one of hebb, projection", p.Rule)
	case p.Cue != CueFlip && p.Cue != CueHalf:
		return fmt.Errorf("cue = %q: must be one of flip, half", p.Cue)
	case !(p.Flip >= 0 && p.Flip <= 0.5):
		return fmt.Errorf("flip = %g: must be 0..0.5", p.Flip)
	case !(p.Temp >= 0 && p.Temp <= 5):
		return fmt.Errorf("temp = %g: must be 0..5", p.Temp)
	case p.Target < 1 || p.Target > p.Patterns:
		return fmt.Errorf("target = %d: must be 1..%d (the number of patterns)", p.Target, p.Patterns)
	}
	return nil
}

// GridSize is the width and height of the grid the N neurons are drawn on.
func GridSize(n int) (w, h int) {
	w = int(math.Ceil(math.Sqrt(float64(n))))
	return w, (n + w - 1) / w
}

// HopfieldStep records one asynchronous update.
type HopfieldStep struct {
	I        int     // the neuron
	Field    float64 // its local field a_i = Σ_j J_ij S_j
	Old, New float64 // its spin before and after
	ProbUp   float64 // T > 0: P(S_i = +1) = 1/(1 + e^(−2a/T))
	DeltaE   float64 // the energy change
}

// Hopfield is a network of N ±1 neurons with symmetric couplings J (J_ii =
// 0), energy H = −½ Σ S_i J_ij S_j, updated one neuron at a time.
type Hopfield struct {
	p       HopfieldParams
	rng     *rand.Rand
	W, H    int         // grid
	Xi      [][]float64 // the stored patterns
	J       []float64   // N×N, row-major
	S       []float64   // the state
	h       []float64   // local fields J·S, kept up to date
	E       float64     // energy, kept up to date
	perm    []int
	pos     int
	Updates int
	Flips   int
	Last    HopfieldStep
}

// NewHopfield stores p patterns and sets the state to the cue.
func NewHopfield(p HopfieldParams, seed uint64) (*Hopfield, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	h := &Hopfield{p: p, rng: rand.New(rand.NewPCG(seed, 0x40bf1e1d))}
	h.W, h.H = GridSize(p.N)
	for k := 0; k < p.Patterns; k++ {
		h.Xi = append(h.Xi, h.makePattern(k))
	}
	if err := h.learn(); err != nil {
		return nil, err
	}
	h.S = make([]float64, p.N)
	h.h = make([]float64, p.N)
	h.perm = h.rng.Perm(p.N)
	h.Cue()
	return h, nil
}

// Params returns the parameters.
func (h *Hopfield) Params() HopfieldParams { return h.p }

func (h *Hopfield) makePattern(k int) []float64 {
	n := h.p.N
	switch h.p.Kind {
	case Letters:
		return letterPattern(rune(letterOrder[k]), h.W, h.H, n)
	case Biased:
		x := make([]float64, n)
		for i := range x {
			x[i] = -1
			if h.rng.Float64() < (1+h.p.Bias)/2 {
				x[i] = 1
			}
		}
		return x
	}
	return randomPattern(h.rng, n)
}

func randomPattern(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = float64(2*int(rng.Uint64()&1) - 1)
	}
	return x
}

// ErrDependent is returned when the projection rule meets patterns that
// are linearly dependent.
var ErrDependent = errors.New("projection rule: the patterns are linearly dependent (ΞᵀΞ is singular)")

// learn computes J from the stored patterns with the chosen rule.
func (h *Hopfield) learn() error {
	n, p := h.p.N, len(h.Xi)
	xi := mat.NewDense(n, p, nil) // column μ is pattern μ
	for k, x := range h.Xi {
		xi.SetCol(k, x)
	}
	var J mat.Dense
	switch h.p.Rule {
	case Hebb:
		J.Mul(xi, xi.T())
		J.Scale(1/float64(n), &J)
	case Projection:
		var c, ci mat.Dense
		c.Mul(xi.T(), xi)
		if err := ci.Inverse(&c); err != nil {
			return ErrDependent
		}
		var t mat.Dense
		t.Mul(xi, &ci)
		J.Mul(&t, xi.T())
	}
	h.J = J.RawMatrix().Data
	if len(h.J) != n*n { // RawMatrix of a fresh n×n Dense is contiguous
		h.J = mat.DenseCopyOf(&J).RawMatrix().Data
	}
	for i := 0; i < n; i++ {
		h.J[i*n+i] = 0
	}
	return nil
}

// Store adds x (±1, length N) as a new memory and recomputes J; the state
// is kept. It fails if x has the wrong length or the projection rule finds
// the patterns dependent.
func (h *Hopfield) Store(x []float64) error {
	if len(x) != h.p.N {
		return fmt.Errorf("pattern has %d spins, want %d", len(x), h.p.N)
	}
	if len(h.Xi) >= h.p.N-1 {
		return fmt.Errorf("already %d patterns: at most %d", len(h.Xi), h.p.N-1)
	}
	h.Xi = append(h.Xi, append([]float64(nil), x...))
	if err := h.learn(); err != nil {
		h.Xi = h.Xi[:len(h.Xi)-1]
		_ = h.learn()
		return err
	}
	h.p.Patterns = len(h.Xi)
	h.SetState(h.S)
	return nil
}

// Cue sets the state to the target memory, corrupted as the parameters say.
func (h *Hopfield) Cue() {
	s := append([]float64(nil), h.Xi[h.p.Target-1]...)
	switch h.p.Cue {
	case CueFlip:
		k := int(math.Round(h.p.Flip * float64(len(s))))
		for _, i := range h.rng.Perm(len(s))[:k] {
			s[i] = -s[i]
		}
	case CueHalf:
		for i := len(s) / 2; i < len(s); i++ {
			s[i] = -1
		}
	}
	h.SetState(s)
}

// SetState sets the state (values > 0 become +1, others −1) and recomputes
// the fields and the energy.
func (h *Hopfield) SetState(s []float64) {
	n := h.p.N
	for i := range h.S {
		h.S[i] = -1
		if s[i] > 0 {
			h.S[i] = 1
		}
	}
	for i := 0; i < n; i++ {
		var a float64
		row := h.J[i*n : (i+1)*n]
		for j, v := range row {
			a += v * h.S[j]
		}
		h.h[i] = a
	}
	h.E = 0
	for i := range h.S {
		h.E -= 0.5 * h.S[i] * h.h[i]
	}
	h.Last = HopfieldStep{I: -1}
}

// Toggle flips neuron i by hand (drawing a cue).
func (h *Hopfield) Toggle(i int) {
	if i >= 0 && i < h.p.N {
		h.flip(i)
	}
}

// flip changes S_i's sign and updates the fields and the energy in O(N).
func (h *Hopfield) flip(i int) {
	n := h.p.N
	old := h.S[i]
	h.E += 2 * old * h.h[i] // ΔH = 2·S_i·a_i for a flip, since J_ii = 0
	h.S[i] = -old
	d := -2 * old
	row := h.J[i*n : (i+1)*n] // J is symmetric: row i is column i
	for j, v := range row {
		h.h[j] += v * d
	}
}

// Field is the local field of neuron i.
func (h *Hopfield) Field(i int) float64 { return h.h[i] }

// Step updates one neuron, in a random order that visits every neuron
// once per sweep: at T = 0 S_i ← sign(a_i) (unchanged when a_i = 0); at
// T > 0 S_i = +1 with probability 1/(1 + e^(−2a_i/T)) (Glauber 1963).
func (h *Hopfield) Step() {
	if h.pos == len(h.perm) {
		h.pos = 0
		h.rng.Shuffle(len(h.perm), func(a, b int) { h.perm[a], h.perm[b] = h.perm[b], h.perm[a] })
	}
	i := h.perm[h.pos]
	h.pos++
	a := h.h[i]
	st := HopfieldStep{I: i, Field: a, Old: h.S[i], New: h.S[i], ProbUp: math.NaN()}
	if h.p.Temp == 0 {
		if a > 0 {
			st.New = 1
		} else if a < 0 {
			st.New = -1
		}
	} else {
		st.ProbUp = 1 / (1 + math.Exp(-2*a/h.p.Temp))
		st.New = -1
		if h.rng.Float64() < st.ProbUp {
			st.New = 1
		}
	}
	if st.New != st.Old {
		st.DeltaE = 2 * st.Old * a
		h.flip(i)
		h.Flips++
	}
	h.Updates++
	h.Last = st
}

// Sweep does N steps.
func (h *Hopfield) Sweep() {
	for range h.p.N {
		h.Step()
	}
}

// Energy recomputes H = −½ Σ S_i J_ij S_j from scratch (the kept value is E).
func (h *Hopfield) Energy() float64 {
	n := h.p.N
	var e float64
	for i := 0; i < n; i++ {
		var a float64
		for j := 0; j < n; j++ {
			a += h.J[i*n+j] * h.S[j]
		}
		e -= 0.5 * h.S[i] * a
	}
	return e
}

// Overlaps returns m_μ = (1/N) Σ_i ξ_i^μ S_i for every stored memory.
func (h *Hopfield) Overlaps() []float64 {
	m := make([]float64, len(h.Xi))
	for k, x := range h.Xi {
		m[k] = overlap(x, h.S)
	}
	return m
}

func overlap(x, s []float64) float64 {
	var m float64
	for i := range x {
		m += x[i] * s[i]
	}
	return m / float64(len(x))
}

// Stable reports a fixed point of T = 0 dynamics: no neuron would change.
func (h *Hopfield) Stable() bool {
	for i, s := range h.S {
		if s*h.h[i] < 0 {
			return false
		}
	}
	return true
}

// Settled names the memory the state is closest to: its index (0-based)
// and overlap; a negative overlap means the reversed pattern −ξ (also a
// minimum of H). mixture is true when no memory has |m| ≥ 0.9: a spurious
// state.
func (h *Hopfield) Settled() (k int, m float64, mixture bool) {
	ms := h.Overlaps()
	for i, v := range ms {
		if math.Abs(v) > math.Abs(m) {
			k, m = i, v
		}
	}
	return k, m, math.Abs(m) < 0.9
}

// Temp changes the temperature of the dynamics (clamped to 0..5).
func (h *Hopfield) Temp(t float64) {
	h.p.Temp = math.Max(0, math.Min(5, t))
}
