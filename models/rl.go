package models

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Reinforcement learning on the tabular tasks of Sutton and Barto (2018):
// the 4×4 gridworld (Example 4.1), the five-state random walk (Example
// 6.2), the windy gridworld (Example 6.5) and cliff walking (Example 6.6);
// dynamic programming over their models and the sample-based learners
// (Monte Carlo, TD(λ), SARSA, Q-learning, expected SARSA).

// Env is a finite episodic task with deterministic moves: every task here
// is one (the wind of Example 6.5 is steady), so DP reads the model from
// Move itself.
type Env interface {
	Name() string
	States() int
	Actions() int
	Terminal(s int) bool
	// Start is an episode's first state.
	Start(r *rand.Rand) int
	// Move is the outcome of action a in state s.
	Move(s, a int) (next int, reward float64)
}

// Grid actions, clockwise from up.
const (
	Up = iota
	Right
	Down
	Left
)

// ArrowOf is the glyph of a grid action.
var ArrowOf = [4]string{"↑", "→", "↓", "←"}

// Grid is a gridworld: states numbered row by row from the top left.
type Grid struct {
	ID         string
	Rows, Cols int
	StartCell  int   // −1: a random non-terminal cell
	Goals      []int // terminal cells
	Wind       []int // per column, cells the wind pushes up (windy gridworld)
	Cliff      []int // cells that cost −100 and send back to the start
}

// Gridworld is Example 4.1: 4×4, the two shaded corners terminal, −1 a
// move, moves off the grid leave the state unchanged.
func Gridworld() *Grid {
	return &Grid{ID: "gridworld", Rows: 4, Cols: 4, StartCell: -1, Goals: []int{0, 15}}
}

// Windy is Example 6.5: 7×10, start (3,0), goal (3,7), the wind in each
// column pushing up 0 0 0 1 1 1 2 2 1 0 cells.
func Windy() *Grid {
	return &Grid{ID: "windy", Rows: 7, Cols: 10, StartCell: 30, Goals: []int{37},
		Wind: []int{0, 0, 0, 1, 1, 1, 2, 2, 1, 0}}
}

// Cliff is Example 6.6: 4×12, start at the bottom left, goal at the bottom
// right, the cells between them a cliff.
func Cliff() *Grid {
	g := &Grid{ID: "cliff", Rows: 4, Cols: 12, StartCell: 36, Goals: []int{47}}
	for c := 1; c <= 10; c++ {
		g.Cliff = append(g.Cliff, 36+c)
	}
	return g
}

func (g *Grid) Name() string { return g.ID }
func (g *Grid) States() int  { return g.Rows * g.Cols }
func (g *Grid) Actions() int { return 4 }
func (g *Grid) IsCliff(s int) bool {
	for _, c := range g.Cliff {
		if c == s {
			return true
		}
	}
	return false
}

func (g *Grid) Terminal(s int) bool {
	for _, t := range g.Goals {
		if t == s {
			return true
		}
	}
	return false
}

func (g *Grid) Start(r *rand.Rand) int {
	if g.StartCell >= 0 {
		return g.StartCell
	}
	for {
		if s := r.IntN(g.States()); !g.Terminal(s) && !g.IsCliff(s) {
			return s
		}
	}
}

func (g *Grid) Move(s, a int) (int, float64) {
	row, col := s/g.Cols, s%g.Cols
	if g.Wind != nil {
		row -= g.Wind[col]
	}
	switch a {
	case Up:
		row--
	case Right:
		col++
	case Down:
		row++
	case Left:
		col--
	}
	row = max(0, min(g.Rows-1, row))
	col = max(0, min(g.Cols-1, col))
	next := row*g.Cols + col
	if g.IsCliff(next) {
		return g.StartCell, -100
	}
	return next, -1
}

// RandomWalk is Example 6.2: states A–E between two terminals (0 and 6),
// start at C, +1 on reaching the right end. Its two actions are left and
// right; the walk is the equiprobable policy over them.
type RandomWalk struct{}

func (RandomWalk) Name() string         { return "randomwalk" }
func (RandomWalk) States() int          { return 7 }
func (RandomWalk) Actions() int         { return 2 }
func (RandomWalk) Terminal(s int) bool  { return s == 0 || s == 6 }
func (RandomWalk) Start(*rand.Rand) int { return 3 }
func (RandomWalk) Move(s, a int) (int, float64) {
	next := s - 1 + 2*a
	if next == 6 {
		return next, 1
	}
	return next, 0
}

// WalkTruth is the random walk's true value of A–E: 1/6 … 5/6.
func WalkTruth() []float64 { return []float64{1.0 / 6, 2.0 / 6, 3.0 / 6, 4.0 / 6, 5.0 / 6} }

// WalkRMS is the RMS error of the values of A–E against the truth.
func WalkRMS(v []float64) float64 {
	s := 0.0
	for i, t := range WalkTruth() {
		d := v[i+1] - t
		s += d * d
	}
	return math.Sqrt(s / 5)
}

// WalkCurve is the RMS error of V(A..E) after each of episodes episodes of
// agent (mc or td) at step size alpha on the random walk, averaged over
// runs runs with seeds seed, seed+1, … (the right of the book's Figure 6.2,
// every value starting at 0.5).
func WalkCurve(agent string, alpha float64, runs, episodes int, seed uint64) []float64 {
	out := make([]float64, episodes)
	for r := range runs {
		l, err := NewLearner(RandomWalk{}, LearnerParams{Agent: agent, Alpha: alpha, Gamma: 1, Init: 0.5}, seed+uint64(r))
		if err != nil {
			panic(err) // the callers' settings are fixed
		}
		for l.Episodes < episodes {
			n := l.Episodes
			l.Step()
			if l.Episodes > n {
				out[n] += WalkRMS(l.V) / float64(runs)
			}
		}
	}
	return out
}

// Agents.
const (
	AgentDP       = "dp"
	AgentMC       = "mc"
	AgentTD       = "td"
	AgentSarsa    = "sarsa"
	AgentQ        = "qlearning"
	AgentExpected = "expected-sarsa"
	AgentAC       = "actor-critic"
)

// Predicts reports whether an agent estimates V of the equiprobable random
// policy (Monte Carlo, TD) rather than learning to act.
func Predicts(agent string) bool { return agent == AgentMC || agent == AgentTD }

// LearnerParams are a sample-based learner's settings.
type LearnerParams struct {
	Agent                         string
	Alpha, Gamma, Epsilon, Lambda float64
	Init                          float64 // every estimate's starting value
}

// Validate names a setting out of range.
func (p LearnerParams) Validate() error {
	switch {
	case !(p.Alpha > 0 && p.Alpha <= 1):
		return fmt.Errorf("alpha = %g: must be in (0, 1]", p.Alpha)
	case !(p.Gamma >= 0 && p.Gamma <= 1):
		return fmt.Errorf("gamma = %g: must be in [0, 1]", p.Gamma)
	case !(p.Epsilon >= 0 && p.Epsilon <= 1):
		return fmt.Errorf("epsilon = %g: must be in [0, 1]", p.Epsilon)
	case !(p.Lambda >= 0 && p.Lambda <= 1):
		return fmt.Errorf("lambda = %g: must be in [0, 1]", p.Lambda)
	}
	switch p.Agent {
	case AgentMC, AgentTD, AgentSarsa, AgentQ, AgentExpected:
		return nil
	}
	return fmt.Errorf("agent %q: a learner is one of mc, td, sarsa, qlearning, expected-sarsa", p.Agent)
}

// MaxEpisode bounds an episode's moves: one that has not ended by then is
// cut (a greedy policy can walk into a wall for ever).
const MaxEpisode = 100000

// Update is what one step of a learner did: the transition, the TD error
// δ = r + γV(s′) − V(s) (or its Q form), and the estimate it changed.
type Update struct {
	S, A, Next   int
	R, Delta     float64
	Terminal     bool
	Cell, Action int // the changed estimate: V(Cell) (Action −1) or Q(Cell, Action)
	Old, New     float64
	Changed      int // estimates changed (a Monte Carlo episode's end changes many)
}

// Learner is a sample-based agent on a tabular task: it predicts V of the
// equiprobable policy (mc, td) or learns Q acting ε-greedily (sarsa,
// qlearning, expected-sarsa). One step is one move.
type Learner struct {
	env Env
	p   LearnerParams
	rng *rand.Rand
	V   []float64 // prediction
	Q   []float64 // control, s·Actions + a
	e   []float64 // TD(λ)'s eligibility traces
	// the episode in progress: state, the action SARSA chose for it, the
	// moves so far with their rewards (for Monte Carlo), the return
	S, A     int
	moves    []Update
	Return   float64
	Length   int
	Episodes int // finished
	Moves    int // in all
	// the last finished episode
	LastReturn float64
	LastLength int
	Last       Update
}

// NewLearner starts a learner on env.
func NewLearner(env Env, p LearnerParams, seed uint64) (*Learner, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := &Learner{env: env, p: p, rng: rand.New(rand.NewPCG(seed, 0x524c))}
	n := env.States()
	if Predicts(p.Agent) {
		l.V = make([]float64, n)
		l.e = make([]float64, n)
		for s := range l.V {
			if !env.Terminal(s) {
				l.V[s] = p.Init
			}
		}
	} else {
		l.Q = make([]float64, n*env.Actions())
		for s := 0; s < n; s++ {
			for a := 0; a < env.Actions(); a++ {
				if !env.Terminal(s) {
					l.Q[s*env.Actions()+a] = p.Init
				}
			}
		}
	}
	l.S = -1
	return l, nil
}

// Env is the task.
func (l *Learner) Env() Env { return l.env }

// Params are the settings.
func (l *Learner) Params() LearnerParams { return l.p }

// q is Q(s, a).
func (l *Learner) q(s, a int) float64 { return l.Q[s*l.env.Actions()+a] }

// Value is V(s), or max_a Q(s, a) for a controller.
func (l *Learner) Value(s int) float64 {
	if l.V != nil {
		return l.V[s]
	}
	return l.q(s, Greedy(l.Q, l.env.Actions(), s))
}

// Greedy is the action of largest Q in s (the first of ties).
func Greedy(q []float64, actions, s int) int {
	best := 0
	for a := 1; a < actions; a++ {
		if q[s*actions+a] > q[s*actions+best] {
			best = a
		}
	}
	return best
}

// Best is the greedy action at s (−1 for a predictor, or where every action
// is worth the same).
func (l *Learner) Best(s int) int {
	if l.Q == nil {
		return -1
	}
	a := Greedy(l.Q, l.env.Actions(), s)
	for b := 0; b < l.env.Actions(); b++ {
		if l.q(s, b) != l.q(s, a) {
			return a
		}
	}
	return -1
}

// act draws the behaviour policy's action in s: equiprobable for a
// predictor, ε-greedy with ties broken at random for a controller.
func (l *Learner) act(s int) int {
	n := l.env.Actions()
	if l.Q == nil || l.rng.Float64() < l.p.Epsilon {
		return l.rng.IntN(n)
	}
	best, ties := 0, 0
	for a := 0; a < n; a++ {
		switch q := l.q(s, a); {
		case a == 0 || q > l.q(s, best):
			best, ties = a, 1
		case q == l.q(s, best):
			ties++
			if l.rng.IntN(ties) == 0 {
				best = a
			}
		}
	}
	return best
}

// expected is Σ_a π(a|s) Q(s, a) under the ε-greedy policy.
func (l *Learner) expected(s int) float64 {
	n := l.env.Actions()
	best := l.q(s, Greedy(l.Q, n, s))
	ties, sum := 0, 0.0
	for a := 0; a < n; a++ {
		sum += l.q(s, a)
		if l.q(s, a) == best {
			ties++
		}
	}
	return l.p.Epsilon*sum/float64(n) + (1-l.p.Epsilon)*best
}

// Step takes one move and learns from it.
func (l *Learner) Step() {
	env := l.env
	if l.S < 0 {
		l.S = env.Start(l.rng)
		l.A = l.act(l.S)
		l.moves, l.Return, l.Length = l.moves[:0], 0, 0
		clear(l.e)
	}
	s, a := l.S, l.A
	next, r := env.Move(s, a)
	done := env.Terminal(next)
	l.Length++
	l.Moves++
	l.Return += r
	u := Update{S: s, A: a, Next: next, R: r, Terminal: done, Cell: s, Action: a}
	nA := env.Actions()
	g := l.p.Gamma
	var a2 int
	if !done {
		a2 = l.act(next)
	}
	switch l.p.Agent {
	case AgentTD:
		v2 := 0.0
		if !done {
			v2 = l.V[next]
		}
		u.Delta = r + g*v2 - l.V[s]
		u.Action, u.Old = -1, l.V[s]
		l.e[s]++
		for i, e := range l.e {
			if e != 0 {
				l.V[i] += l.p.Alpha * u.Delta * e
				l.e[i] = g * l.p.Lambda * e
				u.Changed++
			}
		}
		u.New = l.V[s]
	case AgentMC:
		u.Action, u.Old, u.New = -1, l.V[s], l.V[s]
	default:
		target := r
		if !done {
			switch l.p.Agent {
			case AgentSarsa:
				target += g * l.q(next, a2)
			case AgentQ:
				target += g * l.q(next, Greedy(l.Q, nA, next))
			case AgentExpected:
				target += g * l.expected(next)
			}
		}
		k := s*nA + a
		u.Old = l.Q[k]
		u.Delta = target - l.Q[k]
		l.Q[k] += l.p.Alpha * u.Delta
		u.New, u.Changed = l.Q[k], 1
	}
	l.moves = append(l.moves, u)
	if done || l.Length >= MaxEpisode {
		if l.p.Agent == AgentMC {
			u = l.monteCarlo(u)
		}
		l.Episodes++
		l.LastReturn, l.LastLength = l.Return, l.Length
		l.S = -1
	} else {
		l.S, l.A = next, a2
	}
	l.Last = u
}

// monteCarlo moves every state visited towards the return that followed
// it (every-visit, constant α) at the episode's end; u is the last move,
// returned with the largest change as its changed estimate.
func (l *Learner) monteCarlo(u Update) Update {
	G, big := 0.0, -1.0
	u.Changed = 0
	for i := len(l.moves) - 1; i >= 0; i-- {
		m := l.moves[i]
		G = m.R + l.p.Gamma*G
		old := l.V[m.S]
		l.V[m.S] += l.p.Alpha * (G - old)
		u.Changed++
		if d := math.Abs(l.V[m.S] - old); d > big {
			big, u.Cell, u.Old, u.New, u.Delta = d, m.S, old, l.V[m.S], G-old
		}
	}
	return u
}

// GreedyPath follows the greedy action from the task's start (a fixed
// start: cells otherwise) until a terminal, at most limit moves; ok is
// false if it never got there.
func GreedyPath(env Env, act func(s int) int, from, limit int) (path []int, ok bool) {
	s := from
	path = append(path, s)
	for range limit {
		if env.Terminal(s) {
			return path, true
		}
		s, _ = env.Move(s, act(s))
		path = append(path, s)
	}
	return path, env.Terminal(s)
}

// GreedyPath is the learner's greedy path from from.
func (l *Learner) GreedyPath(from int) ([]int, bool) {
	return GreedyPath(l.env, func(s int) int { return Greedy(l.Q, l.env.Actions(), s) }, from, l.env.States())
}

// DP kinds.
const (
	DPEvaluate = "evaluate" // iterative policy evaluation of the equiprobable policy
	DPValue    = "value"    // value iteration
	DPPolicy   = "policy"   // policy iteration
)

// DPKinds lists them.
var DPKinds = []string{DPEvaluate, DPValue, DPPolicy}

// DPTol is the largest change of a sweep at which a DP has converged.
const DPTol = 1e-10

// DPMax bounds the sweeps of a DP run.
const DPMax = 100000

// DP is dynamic programming over a task's model. One step is one sweep of
// evaluation or value iteration (synchronous: every state from the last
// sweep's values, as Figure 4.1 shows them), or one round of policy
// iteration: the policy evaluated exactly, by solving the Bellman
// equation's linear system, then made greedy.
type DP struct {
	env    Env
	Kind   string
	Gamma  float64
	V      []float64
	Pi     []int // policy iteration's policy (−1: equiprobable)
	Sweeps int
	Delta  float64 // the largest change of the last step
	Worst  int     // the state that changed most
	// policy iteration: the actions the last improvement changed, and
	// whether it left the policy as it was
	Changed int
	Stable  bool
	Err     error // an evaluation that could not be solved (an improper policy)
	scratch []float64
}

// NewDP starts dynamic programming of kind on env from V = 0.
func NewDP(env Env, kind string, gamma float64) (*DP, error) {
	switch kind {
	case DPEvaluate, DPValue, DPPolicy:
	default:
		return nil, fmt.Errorf("dp = %q: must be one of evaluate, value, policy", kind)
	}
	if !(gamma >= 0 && gamma <= 1) {
		return nil, fmt.Errorf("gamma = %g: must be in [0, 1]", gamma)
	}
	n := env.States()
	d := &DP{env: env, Kind: kind, Gamma: gamma, V: make([]float64, n), Pi: make([]int, n), scratch: make([]float64, n), Delta: math.Inf(1)}
	for s := range d.Pi {
		d.Pi[s] = -1
	}
	return d, nil
}

// Env is the task.
func (d *DP) Env() Env { return d.env }

// backup is r + γV(s′) of action a in s.
func (d *DP) backup(s, a int) float64 {
	next, r := d.env.Move(s, a)
	return r + d.Gamma*d.V[next]
}

// Converged reports whether the DP is done: values settled (and, for
// policy iteration, the policy stable).
func (d *DP) Converged() bool {
	if d.Kind == DPPolicy {
		return d.Stable || d.Err != nil
	}
	return d.Delta < DPTol
}

// Sweep updates every state once (policy iteration: one round).
func (d *DP) Sweep() {
	if d.Kind == DPPolicy {
		d.round()
		return
	}
	n, nA := d.env.States(), d.env.Actions()
	d.Delta, d.Worst = 0, -1
	for s := 0; s < n; s++ {
		if d.env.Terminal(s) {
			d.scratch[s] = 0
			continue
		}
		var v float64
		switch {
		case d.Kind == DPValue:
			v = math.Inf(-1)
			for a := 0; a < nA; a++ {
				v = math.Max(v, d.backup(s, a))
			}
		case d.Pi[s] >= 0:
			v = d.backup(s, d.Pi[s])
		default:
			for a := 0; a < nA; a++ {
				v += d.backup(s, a) / float64(nA)
			}
		}
		d.scratch[s] = v
		if c := math.Abs(v - d.V[s]); c > d.Delta {
			d.Delta, d.Worst = c, s
		}
	}
	d.V, d.scratch = d.scratch, d.V
	d.Sweeps++
}

// round is one round of policy iteration: V_π from (I − γP_π)V = r_π,
// then π greedy in V (an action that ties with the best is kept).
func (d *DP) round() {
	if d.Converged() {
		return
	}
	n, nA := d.env.States(), d.env.Actions()
	A := mat.NewDense(n, n, nil)
	b := mat.NewVecDense(n, nil)
	for s := 0; s < n; s++ {
		A.Set(s, s, 1)
		if d.env.Terminal(s) {
			continue
		}
		acts, w := []int{d.Pi[s]}, 1.0
		if d.Pi[s] < 0 {
			acts, w = make([]int, nA), 1/float64(nA)
			for a := range acts {
				acts[a] = a
			}
		}
		for _, a := range acts {
			next, r := d.env.Move(s, a)
			A.Set(s, next, A.At(s, next)-w*d.Gamma)
			b.SetVec(s, b.AtVec(s)+w*r)
		}
	}
	var x mat.VecDense
	if err := x.SolveVec(A, b); err != nil {
		d.Err = fmt.Errorf("policy %d cannot be evaluated: %v", d.Sweeps, err)
		return
	}
	d.Delta, d.Worst = 0, -1
	for s := range d.V {
		if c := math.Abs(x.AtVec(s) - d.V[s]); c > d.Delta {
			d.Delta, d.Worst = c, s
		}
		d.V[s] = x.AtVec(s)
	}
	d.Sweeps++
	d.Changed = 0
	for s := range d.Pi {
		if d.env.Terminal(s) {
			continue
		}
		best := d.Best(s)
		if d.Pi[s] >= 0 && d.backup(s, d.Pi[s]) >= d.backup(s, best)-1e-9 {
			continue
		}
		d.Pi[s] = best
		d.Changed++
	}
	d.Stable = d.Changed == 0
}

// Best is the greedy action in s by one-step look-ahead (the first of
// ties; −1 at a terminal).
func (d *DP) Best(s int) int {
	if d.env.Terminal(s) {
		return -1
	}
	best := 0
	for a := 1; a < d.env.Actions(); a++ {
		if d.backup(s, a) > d.backup(s, best)+1e-9 {
			best = a
		}
	}
	return best
}

// Ties lists every greedy action in s, in action order (none at a
// terminal).
func (d *DP) Ties(s int) []int {
	b := d.Best(s)
	if b < 0 {
		return nil
	}
	var out []int
	for a := 0; a < d.env.Actions(); a++ {
		if d.backup(s, a) >= d.backup(s, b)-1e-9 {
			out = append(out, a)
		}
	}
	return out
}

// GreedyPath is the DP's greedy path from from.
func (d *DP) GreedyPath(from int) ([]int, bool) {
	return GreedyPath(d.env, d.Best, from, d.env.States())
}
