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
	Repeats  int      // settlings per pattern in the wake phase (the sleep phase does as many in all)
	Step     float64  // weight change: Step·sign(p⁺ − p⁻)
	LateStep float64  // the step from cycle LateAt on (LateAt 0: Step throughout)
	LateAt   int      //
	Decay    float64  // weight decay per cycle: w ← (1 − Decay)·w before the step
	NoiseOff float64  // noisy clamping: a clamped on-unit is off with this probability
	NoiseOn  float64  // and a clamped off-unit on with this one
}

// Anneal is one stage of an annealing schedule: Sweeps sweeps at temperature T.
type Anneal struct {
	Sweeps int
	T      float64
}

// PaperEncoder is the 1985 paper's 4-2-4 set-up. A learning cycle: every
// pattern clamped (noisily: an on-bit off with probability 0.15, an off-bit
// on with 0.05) twice, each time from random free units annealed for two
// sweeps each at T = 20, 15, 12 and four at T = 10, then co-occurrences
// collected over ten sweeps at T = 10; then as many free-running
// settlings (eight) on the same schedule; then every weight changes by
// 2·sign(p⁺ − p⁻). A sweep here is one update of every free unit in random
// order, the paper's "unit of time" (each unit probed once on average).
func PaperEncoder() EncoderParams {
	return EncoderParams{N: 4, H: 2,
		Schedule: []Anneal{{2, 20}, {2, 15}, {2, 12}, {4, 10}},
		Collect:  10, Repeats: 2, Step: 2, NoiseOff: 0.15, NoiseOn: 0.05}
}

// DefaultEncoder is the paper's procedure with changes that make a
// solution, once found, stay found. With the paper's two settlings per
// pattern the sign rule acts on statistics so noisy that the weights
// random-walk: 19 of 20 seeds solve the 4-2-4 within 2,000 cycles, but only
// 8 are still solved at cycle 2,000, the weights past 300 and the hidden
// code drifting to encode V2 alone. Here: eight settlings per pattern (four
// times the statistics), a weight decay of 0.5% per cycle (the weights stay
// near 50), and a step of 3 falling to 2 at cycle 1,000 (the larger early
// step, noisier, escapes the local minimum in which two patterns share a
// code; the smaller late one keeps a solution steady). On seeds 1–40: all
// solve it, 39 are still solved at cycle 2,000, median 81 cycles.
func DefaultEncoder() EncoderParams {
	p := PaperEncoder()
	p.Repeats, p.Decay = 8, 0.005
	p.Step, p.LateStep, p.LateAt = 3, 2, 1000
	return p
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
	case p.Repeats < 1 || p.Repeats > 100:
		return fmt.Errorf("repeats = %d: must be 1..100", p.Repeats)
	case !(p.Step > 0 && p.Step <= 100):
		return fmt.Errorf("step = %g: must be > 0 and ≤ 100", p.Step)
	case p.LateAt < 0 || p.LateAt > 0 && !(p.LateStep > 0 && p.LateStep <= 100):
		return fmt.Errorf("late step %g from cycle %d: the cycle must be ≥ 0 and the step > 0 and ≤ 100", p.LateStep, p.LateAt)
	case !(p.Decay >= 0 && p.Decay <= 0.1):
		return fmt.Errorf("decay = %g: must be 0..0.1", p.Decay)
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
// connected as in the paper: each visible group completely internally and
// to H, the hidden units not to each other, and V1 not to V2 (information
// must pass through H); a bias per unit. Energy
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
	Phase  string // what the last sweep was: "wake, pattern k", "sleep k"
	T      float64
	Sweeps int // sweeps so far

	// where the learning cycle is: wake (0) or sleep (1), settling within
	// the phase, stage of the schedule (len(Schedule) while collecting)
	// and sweep within it
	cur     struct{ phase, settle, stage, sweep int }
	clamped []bool
	order   []int // the order of the units in a sweep
}

// NewEncoder makes the machine with zero weights.
func NewEncoder(p EncoderParams, seed uint64) (*Encoder, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	n := 2*p.N + p.H
	e := &Encoder{p: p, rng: rand.New(rand.NewPCG(seed, 0xb0172)), n: n, B: make([]float64, n), S: make([]float64, n), order: make([]int, n)}
	for i := range e.order {
		e.order[i] = i
	}
	e.W, e.conn, e.Plus, e.Minus = square(n), make([][]bool, n), square(n), square(n)
	for i := range e.conn {
		e.conn[i] = make([]bool, n)
		for j := range e.conn[i] {
			gi, gj := e.group(i), e.group(j)
			e.conn[i][j] = i != j && gi+gj != 3 && !(gi == 0 && gj == 0)
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
	e.rng.Shuffle(len(e.order), func(i, j int) { e.order[i], e.order[j] = e.order[j], e.order[i] })
	for _, i := range e.order {
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

// settlings is the number of settlings in each phase of a cycle.
func (e *Encoder) settlings() int { return e.p.N * e.p.Repeats }

// StepSweep does one sweep of the learning cycle. Wake: every pattern is
// clamped Repeats times, noisily and afresh each time, the free units
// randomised and annealed, then Collect sweeps at the final temperature
// add to p⁺. Sleep: as many free settlings, each from a random state,
// add to p⁻. After the last sweep of a cycle w_ij += Step·sign(p⁺_ij − p⁻_ij)
// (biases from the unit means). It reports whether a cycle ended.
func (e *Encoder) StepSweep() bool {
	c := &e.cur
	if c.phase == 0 && c.settle == 0 && c.stage == 0 && c.sweep == 0 {
		for i := range e.Plus {
			clear(e.Plus[i])
			clear(e.Minus[i])
		}
	}
	k := c.settle / e.p.Repeats       // the wake phase's pattern
	if c.stage == 0 && c.sweep == 0 { // the start of a settling
		e.randomize()
		e.clamped = nil
		if c.phase == 0 {
			e.clamped = e.clampNoisy(e.Pattern(k))
		}
	}
	sched := e.p.Schedule
	for c.stage < len(sched) && sched[c.stage].Sweeps == 0 {
		c.stage++
	}
	collecting := c.stage == len(sched)
	T := sched[len(sched)-1].T
	if !collecting {
		T = sched[c.stage].T
	}
	e.sweep(T, e.clamped)
	e.Sweeps++
	acc := e.Plus
	e.Phase = fmt.Sprintf("wake, pattern %d", k+1)
	if c.phase == 1 {
		acc = e.Minus
		e.Phase = fmt.Sprintf("sleep %d of %d", c.settle+1, e.settlings())
	}
	if collecting {
		e.collect(acc, 1/float64(e.settlings())/float64(e.p.Collect))
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
	c.settle++
	if c.settle < e.settlings() {
		return false
	}
	c.settle = 0
	c.phase++
	if c.phase < 2 {
		return false
	}
	c.phase = 0
	e.update()
	return true
}

// collect adds w times the co-occurrences of the current state to acc.
func (e *Encoder) collect(acc [][]float64, w float64) {
	for i := 0; i < e.n; i++ {
		if e.S[i] == 0 {
			continue
		}
		for j := 0; j < e.n; j++ {
			acc[i][j] += w * e.S[j]
		}
	}
}

// SweepsPerCycle is the number of sweeps in a learning cycle.
func (e *Encoder) SweepsPerCycle() int {
	n := e.p.Collect
	for _, a := range e.p.Schedule {
		n += a.Sweeps
	}
	return 2 * e.settlings() * n
}

// CyclesDone is the learning cycles done, with the fraction of the current
// one its sweeps have reached.
func (e *Encoder) CyclesDone() float64 {
	return float64(e.Cycles) + float64(e.Sweeps%e.SweepsPerCycle())/float64(e.SweepsPerCycle())
}

// Cycle runs the sweeps to the end of the current learning cycle.
func (e *Encoder) Cycle() {
	for !e.StepSweep() {
	}
}

// step is the weight step of the current cycle.
func (e *Encoder) step() float64 {
	if e.p.LateAt > 0 && e.Cycles >= e.p.LateAt {
		return e.p.LateStep
	}
	return e.p.Step
}

func (e *Encoder) update() {
	step := e.step()
	for i := 0; i < e.n; i++ {
		for j := 0; j < e.n; j++ {
			if e.conn[i][j] {
				e.W[i][j] = (1-e.p.Decay)*e.W[i][j] + step*sign0(e.Plus[i][j]-e.Minus[i][j])
			}
		}
		e.B[i] = (1-e.p.Decay)*e.B[i] + step*sign0(e.Plus[i][i]-e.Minus[i][i])
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

// Completion is what the machine does with one input pattern, computed
// exactly by enumerating the hidden units and V2 with V1 clamped to the
// pattern (no clamping noise) at the statistics temperature.
type Completion struct {
	Code   int     // most probable hidden code, bit h for hidden unit h
	PCode  float64 // its probability
	Out    int     // most probable V2 state, bit i for V2 unit i
	POut   float64 // its probability
	PRight float64 // probability that V2 is the pattern itself
	Right  bool    // Out is the pattern
}

// Complete computes pattern k's completion exactly.
func (e *Encoder) Complete(k int) Completion {
	N, H := e.p.N, e.p.H
	T := e.p.Schedule[len(e.p.Schedule)-1].T
	s := make([]float64, e.n)
	s[k] = 1
	codes := make([]float64, 1<<H)
	outs := make([]float64, 1<<N)
	logp := make([]float64, 1<<(N+H))
	mx := math.Inf(-1)
	for x := range logp {
		for i := 0; i < N; i++ {
			s[N+i] = float64(x >> i & 1)
		}
		for h := 0; h < H; h++ {
			s[2*N+h] = float64(x >> (N + h) & 1)
		}
		logp[x] = -e.energy(s) / T
		mx = math.Max(mx, logp[x])
	}
	var z float64
	for x, l := range logp {
		p := math.Exp(l - mx)
		z += p
		outs[x&(1<<N-1)] += p
		codes[x>>N] += p
	}
	var c Completion
	for x, p := range codes {
		if p/z > c.PCode {
			c.Code, c.PCode = x, p/z
		}
	}
	for x, p := range outs {
		if p/z > c.POut {
			c.Out, c.POut = x, p/z
		}
	}
	c.PRight = outs[1<<k] / z
	c.Right = c.Out == 1<<k
	return c
}

// Solved reports whether the machine has learnt the encoder, exactly: the
// N patterns give N distinct most probable hidden codes and, for each, the
// most probable V2 is the pattern. It also returns the completions.
func (e *Encoder) Solved() (bool, []Completion) {
	cs := make([]Completion, e.p.N)
	seen := map[int]bool{}
	ok := true
	for k := range cs {
		cs[k] = e.Complete(k)
		ok = ok && cs[k].Right && !seen[cs[k].Code]
		seen[cs[k].Code] = true
	}
	return ok, cs
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

// SamplingKL samples the free machine at temperature T from its current
// state and returns, after each of the sweep counts ns (increasing), the KL
// divergence KL(sampled ‖ exact) of the states visited from the exact
// Boltzmann distribution: how fast sampling approaches equilibrium. The
// machine is left as it was: the samples draw on a random stream of their
// own (from seed), and the state is restored.
func (e *Encoder) SamplingKL(T float64, ns []int, seed uint64) []float64 {
	saved, rng := append([]float64(nil), e.S...), e.rng
	e.rng = rand.New(rand.NewPCG(seed, 0x5a3b1e))
	defer func() { copy(e.S, saved); e.rng = rng }()
	p := e.Exact(T)
	hist := make([]float64, len(p))
	q := make([]float64, len(p))
	var kl []float64
	total := 0
	for _, n := range ns {
		e.Gibbs(T, n-total, hist)
		total = n
		for x := range q {
			q[x] = hist[x] / float64(total)
		}
		kl = append(kl, KL(q, p))
	}
	return kl
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
