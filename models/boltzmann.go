package models

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// EncoderParams configures the encoder problem of Ackley, Hinton and
// Sejnowski (1985): N one-hot patterns must pass from visible group V1 to
// visible group V2 through H hidden units (4-2-4, or 8-3-8).
type EncoderParams struct {
	N, H     int      // visible units per group, hidden units: 4-2-4 or 8-3-8
	Schedule []Anneal // the annealing schedule, ending at the temperature of the statistics
	Collect  int      // sweeps over which co-occurrences are collected at the final temperature
	Step     float64  // weight change: Step·sign(p⁺ − p⁻)
	NoiseOff float64  // noisy clamping: a clamped on-unit is off with this probability
	NoiseOn  float64  // and a clamped off-unit on with this one
}

// Anneal is one stage of an annealing schedule: Sweeps sweeps at temperature T.
type Anneal struct {
	Sweeps int
	T      float64
}

// PaperEncoder is the 1985 paper's 4-2-4 set-up: two sweeps each at T = 20,
// 15, 12, four at T = 10, statistics over ten sweeps at T = 10, a fixed
// weight step times the sign of p⁺ − p⁻, noisy clamping 0.15 and 0.05.
func PaperEncoder() EncoderParams {
	return EncoderParams{N: 4, H: 2,
		Schedule: []Anneal{{2, 20}, {2, 15}, {2, 12}, {4, 10}},
		Collect:  10, Step: 2, NoiseOff: 0.15, NoiseOn: 0.05}
}

// Validate names the first bad field.
func (p EncoderParams) Validate() error {
	switch {
	case p.N < 2 || p.N > 16:
		return fmt.Errorf("visible = %d: must be 2..16", p.N)
	case p.H < 1 || p.H > 8:
		return fmt.Errorf("hidden = %d: must be 1..8", p.H)
	case len(p.Schedule) == 0:
		return fmt.Errorf("schedule: must have a stage")
	case p.Collect < 1 || p.Collect > 1000:
		return fmt.Errorf("collect = %d: must be 1..1000", p.Collect)
	case !(p.Step > 0 && p.Step <= 100):
		return fmt.Errorf("step = %g: must be > 0 and ≤ 100", p.Step)
	case !(p.NoiseOff >= 0 && p.NoiseOff < 1) || !(p.NoiseOn >= 0 && p.NoiseOn < 1):
		return fmt.Errorf("clamping noise %g, %g: must be 0..1", p.NoiseOff, p.NoiseOn)
	}
	for _, a := range p.Schedule {
		if a.Sweeps < 0 || !(a.T > 0) {
			return fmt.Errorf("schedule stage %+v: sweeps ≥ 0 and T > 0", a)
		}
	}
	return nil
}

// Encoder is a Boltzmann machine of binary units, V1 (N), V2 (N) and H,
// with every connection except between V1 and V2 (information must pass
// through the hidden units), and a bias per unit. Energy
// E = −Σ_{i<j} w_ij s_i s_j − Σ_i b_i s_i; a unit turns on with
// probability σ(ΔE_i/T), ΔE_i = Σ_j w_ij s_j + b_i.
type Encoder struct {
	p     EncoderParams
	rng   *rand.Rand
	n     int         // units
	W     [][]float64 // symmetric, zero where not connected
	B     []float64
	conn  [][]bool
	S     []float64 // the state
	Plus  [][]float64
	Minus [][]float64 // co-occurrences of the last cycle, wake and sleep
	// p_i (the diagonal) holds the mean of each unit

	Cycles int
	Phase  string // what the last sweep was: "wake k", "sleep k", "test"
	T      float64
	Sweeps int // sweeps so far

	// where the learning cycle is: pattern, wake (0) or sleep (1), stage of
	// the schedule (len(Schedule) while collecting) and sweep within it
	cur     struct{ k, phase, stage, sweep int }
	clamped []bool
}

// NewEncoder makes the machine with zero weights.
func NewEncoder(p EncoderParams, seed uint64) (*Encoder, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := 2*p.N + p.H
	e := &Encoder{p: p, rng: rand.New(rand.NewPCG(seed, 0xb0172)), n: n, B: make([]float64, n), S: make([]float64, n)}
	e.W, e.conn, e.Plus, e.Minus = square(n), make([][]bool, n), square(n), square(n)
	for i := range e.conn {
		e.conn[i] = make([]bool, n)
		for j := range e.conn[i] {
			e.conn[i][j] = i != j && !(e.group(i) == 1 && e.group(j) == 2 || e.group(i) == 2 && e.group(j) == 1)
		}
	}
	return e, nil
}

func square(n int) [][]float64 {
	m := make([][]float64, n)
	for i := range m {
		m[i] = make([]float64, n)
	}
	return m
}

// Params returns the parameters.
func (e *Encoder) Params() EncoderParams { return e.p }

// Units is the number of units; group is 1 for V1, 2 for V2, 0 for hidden.
func (e *Encoder) Units() int { return e.n }

func (e *Encoder) group(i int) int {
	switch {
	case i < e.p.N:
		return 1
	case i < 2*e.p.N:
		return 2
	}
	return 0
}

// Connected reports whether units i and j share a weight.
func (e *Encoder) Connected(i, j int) bool { return e.conn[i][j] }

// Pattern is the k-th one-hot pattern on both visible groups.
func (e *Encoder) Pattern(k int) []float64 {
	v := make([]float64, 2*e.p.N)
	v[k], v[e.p.N+k] = 1, 1
	return v
}

// sweep updates every free unit once, in random order, at temperature T;
// clamped[i] holds units fixed.
func (e *Encoder) sweep(T float64, clamped []bool) {
	for _, i := range e.rng.Perm(e.n) {
		if clamped != nil && clamped[i] {
			continue
		}
		d := e.B[i]
		for j, w := range e.W[i] {
			d += w * e.S[j]
		}
		e.S[i] = 0
		if e.rng.Float64() < sigmoid(d/T) {
			e.S[i] = 1
		}
	}
	e.T = T
}

// clampNoisy sets the visible units to pattern v with noisy clamping.
func (e *Encoder) clampNoisy(v []float64) []bool {
	clamped := make([]bool, e.n)
	for i, x := range v {
		clamped[i] = true
		on := x > 0
		if on && e.rng.Float64() < e.p.NoiseOff || !on && e.rng.Float64() < e.p.NoiseOn {
			on = !on
		}
		e.S[i] = 0
		if on {
			e.S[i] = 1
		}
	}
	return clamped
}

// StepSweep does one sweep of the learning cycle: for every pattern, an
// annealing with the visible units clamped (wake) then free (sleep), each
// followed by Collect sweeps whose co-occurrences make p⁺ and p⁻. After
// the last sweep of a cycle w_ij += Step·sign(p⁺_ij − p⁻_ij) (biases from
// the unit means). It reports whether a cycle ended.
func (e *Encoder) StepSweep() bool {
	c := &e.cur
	if c.k == 0 && c.phase == 0 && c.stage == 0 && c.sweep == 0 {
		for i := range e.Plus {
			clear(e.Plus[i])
			clear(e.Minus[i])
		}
	}
	if c.stage == 0 && c.sweep == 0 { // the start of a phase
		if c.phase == 0 {
			e.clamped = e.clampNoisy(e.Pattern(c.k))
		} else {
			e.clamped = nil
			e.randomize()
		}
	}
	sched := e.p.Schedule
	collecting := c.stage == len(sched)
	T := sched[len(sched)-1].T
	if !collecting {
		T = sched[c.stage].T
	}
	if !collecting && sched[c.stage].Sweeps == 0 {
		c.stage++
		return false
	}
	e.sweep(T, e.clamped)
	e.Sweeps++
	name := "wake"
	acc := e.Plus
	if c.phase == 1 {
		name, acc = "sleep", e.Minus
	}
	e.Phase = fmt.Sprintf("%s, pattern %d", name, c.k+1)
	if collecting {
		w := 1 / float64(e.p.N) / float64(e.p.Collect)
		for i := 0; i < e.n; i++ {
			if e.S[i] == 0 {
				continue
			}
			for j := 0; j < e.n; j++ {
				acc[i][j] += w * e.S[j]
			}
		}
	}
	// advance the cursor
	c.sweep++
	limit := e.p.Collect
	if !collecting {
		limit = sched[c.stage].Sweeps
	}
	if c.sweep < limit {
		return false
	}
	c.sweep = 0
	c.stage++
	if c.stage <= len(sched) {
		return false
	}
	c.stage = 0
	c.phase++
	if c.phase < 2 {
		return false
	}
	c.phase = 0
	c.k++
	if c.k < e.p.N {
		return false
	}
	c.k = 0
	e.update()
	return true
}

// SweepsPerCycle is the number of sweeps in a learning cycle.
func (e *Encoder) SweepsPerCycle() int {
	n := e.p.Collect
	for _, a := range e.p.Schedule {
		n += a.Sweeps
	}
	return 2 * e.p.N * n
}

// Cycle runs the sweeps to the end of the current learning cycle.
func (e *Encoder) Cycle() {
	for !e.StepSweep() {
	}
}

func (e *Encoder) update() {
	for i := 0; i < e.n; i++ {
		for j := 0; j < e.n; j++ {
			if e.conn[i][j] {
				e.W[i][j] += e.p.Step * sign0(e.Plus[i][j]-e.Minus[i][j])
			}
		}
		e.B[i] += e.p.Step * sign0(e.Plus[i][i]-e.Minus[i][i])
	}
	e.Cycles++
}

func sign0(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func (e *Encoder) randomize() {
	for i := range e.S {
		e.S[i] = float64(e.rng.IntN(2))
	}
}

// Complete clamps V1 to pattern k and lets the hidden units and V2 settle
// (annealed, then a last sweep at a low temperature): it returns V2's most
// active unit, whether V2 equals the pattern exactly, and the hidden code.
func (e *Encoder) Complete(k int) (out int, exact bool, code []float64) {
	clamped := make([]bool, e.n)
	for i := 0; i < e.p.N; i++ {
		clamped[i] = true
	}
	e.randomize()
	for i := 0; i < e.p.N; i++ {
		e.S[i] = 0
	}
	e.S[k] = 1
	for _, a := range e.p.Schedule {
		for range a.Sweeps {
			e.sweep(a.T, clamped)
		}
	}
	// read out by the probabilities at the final temperature, averaged
	T := e.p.Schedule[len(e.p.Schedule)-1].T
	mean := make([]float64, e.n)
	for range e.p.Collect {
		e.sweep(T, clamped)
		for i := range mean {
			mean[i] += e.S[i] / float64(e.p.Collect)
		}
	}
	exact = true
	for i := 0; i < e.p.N; i++ {
		on := mean[e.p.N+i] > 0.5
		if on != (i == k) {
			exact = false
		}
		if mean[e.p.N+i] > mean[e.p.N+out] {
			out = i
		}
	}
	code = make([]float64, e.p.H)
	for h := range code {
		code[h] = math.Round(mean[2*e.p.N+h])
	}
	e.Phase = fmt.Sprintf("test %d", k+1)
	return out, exact, code
}

// Correct is the fraction of patterns completed exactly, and whether
// their hidden codes are all distinct.
func (e *Encoder) Correct() (frac float64, distinct bool) {
	seen := map[string]bool{}
	c := 0
	distinct = true
	for k := 0; k < e.p.N; k++ {
		_, ok, code := e.Complete(k)
		if ok {
			c++
		}
		key := fmt.Sprint(code)
		if seen[key] {
			distinct = false
		}
		seen[key] = true
	}
	return float64(c) / float64(e.p.N), distinct
}

// energy of a full state.
func (e *Encoder) energy(s []float64) float64 {
	var E float64
	for i := 0; i < e.n; i++ {
		if s[i] == 0 {
			continue
		}
		E -= e.B[i]
		for j := i + 1; j < e.n; j++ {
			E -= e.W[i][j] * s[j]
		}
	}
	return E
}

// Exact enumerates every state (n ≤ 20) at temperature T and returns the
// equilibrium probability of each, indexed by the bits of the state.
func (e *Encoder) Exact(T float64) []float64 {
	N := 1 << e.n
	p := make([]float64, N)
	s := make([]float64, e.n)
	mx := math.Inf(-1)
	for x := 0; x < N; x++ {
		for i := range s {
			s[i] = float64(x >> i & 1)
		}
		p[x] = -e.energy(s) / T
		mx = math.Max(mx, p[x])
	}
	var z float64
	for x := range p {
		p[x] = math.Exp(p[x] - mx)
		z += p[x]
	}
	for x := range p {
		p[x] /= z
	}
	return p
}

// StateIndex is the index of the current state in Exact's order.
func (e *Encoder) StateIndex() int {
	x := 0
	for i, v := range e.S {
		if v > 0 {
			x |= 1 << i
		}
	}
	return x
}

// G is the information gain the learning rule descends (Ackley, Hinton and
// Sejnowski 1985): the KL divergence, in nats, of the model's exact
// visible distribution at the statistics temperature from the data's,
// which puts 1/N on each pattern.
func (e *Encoder) G() float64 {
	T := e.p.Schedule[len(e.p.Schedule)-1].T
	p := e.Exact(T)
	var g float64
	for k := 0; k < e.p.N; k++ {
		v := e.Pattern(k)
		var pv float64
		for x, px := range p {
			match := true
			for i, b := range v {
				if float64(x>>i&1) != b {
					match = false
					break
				}
			}
			if match {
				pv += px
			}
		}
		q := 1 / float64(e.p.N)
		g += q * math.Log(q/math.Max(pv, 1e-300))
	}
	return g
}

// Gibbs runs free sweeps at temperature T from the current state and
// returns the empirical distribution of the states visited after each.
func (e *Encoder) Gibbs(T float64, sweeps int, hist []float64) {
	for range sweeps {
		e.sweep(T, nil)
		hist[e.StateIndex()]++
	}
}

// KL is Σ p log(p/q) over states with p > 0 (nats), q floored.
func KL(p, q []float64) float64 {
	var s float64
	for i, pi := range p {
		if pi > 0 {
			s += pi * math.Log(pi/math.Max(q[i], 1e-300))
		}
	}
	return s
}
