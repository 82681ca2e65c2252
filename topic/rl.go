package topic

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jclub/jclub/models"
)

// Reinforcement-learning tasks.
const (
	EnvGridworld    = "gridworld"    // Sutton and Barto Example 4.1
	EnvRandomWalk   = "randomwalk"   // Example 6.2
	EnvWindy        = "windy"        // Example 6.5
	EnvCliff        = "cliff"        // Example 6.6
	EnvConditioning = "conditioning" // a cue, then a reward: the dopamine signal
	EnvCartPole     = "cartpole"     // Barto, Sutton and Anderson 1983
)

var (
	rlEnvs       = []string{EnvGridworld, EnvRandomWalk, EnvWindy, EnvCliff, EnvConditioning, EnvCartPole}
	rlAgentNames = []string{models.AgentDP, models.AgentMC, models.AgentTD, models.AgentSarsa, models.AgentQ, models.AgentExpected, models.AgentAC}
	rlTabular    = modes(EnvGridworld, EnvRandomWalk, EnvWindy, EnvCliff)
	rlLearners   = modes(EnvGridworld, EnvRandomWalk, EnvWindy, EnvCliff, EnvConditioning)
)

// RLAgents lists the agents each task takes, the first its default.
var RLAgents = map[string][]string{
	EnvGridworld:    {models.AgentDP, models.AgentTD, models.AgentMC, models.AgentSarsa, models.AgentQ, models.AgentExpected},
	EnvRandomWalk:   {models.AgentTD, models.AgentMC},
	EnvWindy:        {models.AgentSarsa, models.AgentQ, models.AgentExpected, models.AgentDP},
	EnvCliff:        {models.AgentSarsa, models.AgentQ, models.AgentExpected, models.AgentDP},
	EnvConditioning: {models.AgentTD},
	EnvCartPole:     {models.AgentAC},
}

// Versus is the versus choice that runs no second agent.
const Versus = "none"

func agentIsNot(name string) func(v Values) bool {
	return func(v Values) bool { return v.Choice("agent") != name }
}

// RL is reinforcement learning from dynamic programming to TD learning,
// the dopamine signal and the 1983 cart-pole.
var RL = &Topic{
	ID:      "rl",
	Unit:    UnitSeminar,
	Title:   "Reinforcement learning: DP, TD and dopamine",
	Summary: "DP, Monte Carlo, TD(λ), SARSA and Q-learning on Sutton and Barto's grids; the TD error as the dopamine signal; the 1983 cart-pole",
	Papers: []string{
		"Sutton and Barto 2018: Reinforcement Learning, Examples 4.1, 6.2, 6.5, 6.6",
		"Barto, Sutton and Anderson 1983: neuronlike adaptive elements (the cart-pole)",
		"Montague, Dayan and Sejnowski 1996; Schultz, Dayan and Montague 1997: a neural substrate of prediction and reward",
		"Williams 1992: simple statistical gradient-following algorithms (REINFORCE)",
	},
	Params: []Param{
		{Name: "env", Experiment: true, Kind: Choice, Choices: rlEnvs, Default: 3,
			Help: "gridworld (Example 4.1), randomwalk (6.2), windy (6.5), cliff (6.6), conditioning (cue then reward), cartpole (1983)"},
		{Name: "agent", Kind: Choice, Choices: rlAgentNames, Default: 3,
			ByMode:  map[string]string{EnvGridworld: models.AgentDP, EnvRandomWalk: models.AgentTD, EnvConditioning: models.AgentTD, EnvCartPole: models.AgentAC},
			Allowed: func(v Values, c string) bool { return slices.Contains(RLAgents[v.Choice("env")], c) },
			Help:    "dp: sweeps over the model; mc, td: predict V of the random policy; sarsa, qlearning, expected-sarsa: learn to act ε-greedily; actor-critic: the cart-pole"},
		{Name: "versus", Kind: Choice, Choices: []string{Versus, models.AgentMC, models.AgentTD, models.AgentSarsa, models.AgentQ, models.AgentExpected},
			ByMode: map[string]string{EnvCliff: models.AgentQ, EnvRandomWalk: models.AgentMC}, Modes: rlTabular, If: agentIsNot(models.AgentDP),
			Allowed: func(v Values, c string) bool {
				return c == Versus || c != models.AgentDP && slices.Contains(RLAgents[v.Choice("env")], c)
			},
			Help: "a second agent run beside the first on the same task, seed and settings"},
		{Name: "dp", Kind: Choice, Choices: models.DPKinds, ByMode: map[string]string{EnvWindy: models.DPValue, EnvCliff: models.DPValue},
			Modes: rlTabular, If: choiceIn("agent", models.AgentDP),
			Help: "evaluate: iterative policy evaluation of the equiprobable policy; value: value iteration; policy: policy iteration"},
		{Name: "alpha", Kind: Float, Default: 0.5, Min: 1e-4, Max: 1, ByMode: map[string]string{EnvRandomWalk: "0.1", EnvConditioning: "0.1"},
			Modes: rlLearners, If: agentIsNot(models.AgentDP), Help: "step size α"},
		{Name: "gamma", Kind: Float, Default: 1, Min: 0, Max: 1, Step: 0.01, Modes: rlLearners,
			Help: "discount γ"},
		{Name: "epsilon", Kind: Float, Default: 0.1, Min: 0, Max: 1, Step: 0.01, Modes: rlTabular,
			If: func(v Values) bool {
				a, b := v.Choice("agent"), VersusAgent(v)
				return !models.Predicts(a) && a != models.AgentDP || b != "" && !models.Predicts(b)
			},
			Help: "exploration ε of the ε-greedy policy"},
		{Name: "lambda", Kind: Float, Default: 0, Min: 0, Max: 1, Step: 0.1, Modes: rlLearners,
			If: func(v Values) bool {
				return v.Choice("agent") == models.AgentTD || v.Choice("versus") == models.AgentTD
			},
			Help: "TD(λ)'s trace decay: 0 is TD(0), 1 is Monte Carlo done online"},
		{Name: "delay", Kind: Int, Default: 10, Min: 1, Max: models.CondTrial - models.CondCue - 1, Modes: modes(EnvConditioning),
			Help: "time steps from the cue to the reward"},
		{Name: "omit", Kind: Float, Default: 0.1, Min: 0, Max: 1, Step: 0.05, Modes: modes(EnvConditioning),
			Help: "probability that a trial's reward is left out"},
		{Name: "limit", Kind: Int, Default: 500, Min: 10, Max: 1000000, Modes: modes(EnvCartPole),
			Help: "steps (20 ms each) balanced that end a trial as a success"},
		{Name: "episodes", Kind: Int, Default: 500, Min: 1, Max: 1000000, If: agentIsNot(models.AgentDP),
			ByMode: map[string]string{EnvRandomWalk: "100", EnvWindy: "170", EnvConditioning: "300", EnvCartPole: "200"},
			Help:   "episodes (trials) of a headless run"},
		{Name: "runs", Kind: Int, Default: 1, Min: 1, Max: 1000, Headless: true, If: agentIsNot(models.AgentDP),
			Help: "average each episode's row over this many runs, seeds seed, seed+1, … (the book's curves)"},
	},
	Steps:   1000,
	Every:   1,
	Natural: func(Values) bool { return true },
	Uses:    func(v Values) (bool, bool) { return true, v.Choice("agent") != models.AgentDP },
	Check:   checkRL,
	Columns: func(v Values) []string {
		env, agent := v.Choice("env"), v.Choice("agent")
		if agent == models.AgentDP {
			return []string{"state", "value"}
		}
		cols := []string{"episode", "return", "steps"}
		switch env {
		case EnvRandomWalk:
			cols = append(cols, "rms")
		case EnvConditioning:
			cols = append(cols, "delta_cue", "delta_reward")
		}
		if v.Active(v.index("versus")) && v.Choice("versus") != Versus {
			cols = append(cols, "return_vs", "steps_vs")
			if env == EnvRandomWalk {
				cols = append(cols, "rms_vs")
			}
		}
		return cols
	},
	Run: runRL,
}

func checkRL(v Values) error {
	env, agent := v.Choice("env"), v.Choice("agent")
	ok := RLAgents[env]
	if !slices.Contains(ok, agent) {
		return fmt.Errorf("agent %s does not run on %s: it takes %s", agent, env, strings.Join(ok, ", "))
	}
	if vs := v.Choice("versus"); v.Active(v.index("versus")) && vs != Versus && !slices.Contains(ok, vs) {
		return fmt.Errorf("versus %s does not run on %s: it takes %s (or none)", vs, env, strings.Join(ok, ", "))
	}
	return nil
}

// RLEnv is the tabular task of the values.
func RLEnv(v Values) models.Env {
	switch v.Choice("env") {
	case EnvGridworld:
		return models.Gridworld()
	case EnvRandomWalk:
		return models.RandomWalk{}
	case EnvWindy:
		return models.Windy()
	}
	return models.Cliff()
}

// LearnerParams are the settings of the learner agent (or the versus one).
func LearnerParams(v Values, agent string) models.LearnerParams {
	p := models.LearnerParams{Agent: agent, Alpha: v.Float("alpha"), Gamma: v.Float("gamma"), Epsilon: v.Float("epsilon"), Lambda: v.Float("lambda")}
	if v.Choice("env") == EnvRandomWalk {
		p.Init = 0.5 // Example 6.2 starts every estimate at 0.5
	}
	return p
}

// VersusAgent is the second agent's name ("" if none).
func VersusAgent(v Values) string {
	if !v.Active(v.index("versus")) || v.Choice("versus") == Versus {
		return ""
	}
	return v.Choice("versus")
}

// CondParams are the conditioning task's settings.
func CondParams(v Values) models.CondParams {
	return models.CondParams{Length: models.CondTrial, Cue: models.CondCue, Delay: v.Int("delay"), Omit: v.Float("omit"),
		Alpha: v.Float("alpha"), Gamma: v.Float("gamma"), Lambda: v.Float("lambda")}
}

// episodic is what a run reads of a learner after each step: whether an
// episode just ended, and that episode's row.
type episodic struct {
	step func()
	done func() int // episodes finished
	row  func() []float64
}

func runRL(v Values, seed uint64, steps, every int, out Out) error {
	if err := checkRL(v); err != nil {
		return err
	}
	if v.Choice("agent") == models.AgentDP {
		d, err := models.NewDP(RLEnv(v), v.Choice("dp"), v.Float("gamma"))
		if err != nil {
			return err
		}
		for n := until(steps, models.DPMax); d.Sweeps < n && !d.Converged(); {
			d.Sweep()
		}
		for s, x := range d.V {
			out.Row([]float64{float64(s), x})
		}
		out.Meta("sweeps", float64(d.Sweeps)) // policy iteration: rounds
		out.Meta("delta", d.Delta)
		if d.Err != nil {
			return d.Err
		}
		if g, ok := RLEnv(v).(*models.Grid); ok && g.StartCell >= 0 {
			out.Meta("greedy_path_length", pathLength(d.GreedyPath(g.StartCell)))
		}
		return nil
	}
	episodes, runs := v.Int("episodes"), v.Int("runs")
	var sums [][]float64
	var counts []int
	// summary figures: each the mean over the runs that report it
	meta, reported := map[string]float64{}, map[string]int{}
	for r := range runs {
		agents, m, err := rlAgents(v, seed+uint64(r))
		if err != nil {
			return err
		}
		// each agent's rows, by episode
		var rows [][][]float64
		for _, a := range agents {
			var rs [][]float64
			for moves := 0; a.done() < episodes && (steps < 0 || moves < steps); moves++ {
				n := a.done()
				a.step()
				if a.done() > n {
					rs = append(rs, a.row())
				}
			}
			rows = append(rows, rs)
		}
		for e := range rows[0] {
			row := rows[0][e]
			if len(agents) > 1 {
				if e >= len(rows[1]) {
					break
				}
				row = append(append([]float64(nil), row...), rows[1][e]...)
			}
			if e >= len(sums) {
				sums, counts = append(sums, make([]float64, len(row))), append(counts, 0)
			}
			for k, x := range row {
				sums[e][k] += x
			}
			counts[e]++
		}
		for k, x := range m() {
			meta[k] += x
			reported[k]++
		}
	}
	for e, s := range sums {
		if (e+1)%every != 0 && e != len(sums)-1 {
			continue
		}
		row := []float64{float64(e + 1)}
		for _, x := range s {
			row = append(row, x/float64(counts[e]))
		}
		out.Row(row)
	}
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		out.Meta(k, meta[k]/float64(reported[k]))
	}
	return nil
}

func pathLength(path []int, ok bool) float64 {
	if !ok {
		return -1
	}
	return float64(len(path) - 1)
}

// rlAgents builds the run's agents (the versus one second) and the summary
// figures to report after it.
func rlAgents(v Values, seed uint64) ([]episodic, func() map[string]float64, error) {
	switch v.Choice("env") {
	case EnvConditioning:
		c, err := models.NewConditioning(CondParams(v), seed)
		if err != nil {
			return nil, nil, err
		}
		a := episodic{step: c.Step, done: func() int { return c.Trials }, row: func() []float64 {
			r := 0.0
			if c.LastRewarded {
				r = 1
			}
			return []float64{r, float64(c.Params().Length), c.DeltaCue, c.DeltaReward}
		}}
		return []episodic{a}, func() map[string]float64 {
			return map[string]float64{"weight_at_reward": c.W[c.Params().Delay-1]}
		}, nil
	case EnvCartPole:
		c := models.NewPoleCart(v.Int("limit"), seed)
		first := -1
		a := episodic{step: c.Step, done: func() int { return c.Trials }, row: func() []float64 {
			r := 0.0
			if c.LastFail {
				r = -1
			}
			if !c.LastFail && first < 0 {
				first = c.Trials
			}
			return []float64{r, float64(c.LastLen)}
		}}
		return []episodic{a}, func() map[string]float64 {
			if first < 0 {
				return map[string]float64{"succeeded": 0}
			}
			return map[string]float64{"succeeded": 1, "first_success": float64(first)}
		}, nil
	}
	var agents []episodic
	var learners []*models.Learner
	for _, name := range []string{v.Choice("agent"), VersusAgent(v)} {
		if name == "" {
			continue
		}
		l, err := models.NewLearner(RLEnv(v), LearnerParams(v, name), seed)
		if err != nil {
			return nil, nil, err
		}
		learners = append(learners, l)
		agents = append(agents, episodic{step: l.Step, done: func() int { return l.Episodes }, row: func() []float64 {
			row := []float64{l.LastReturn, float64(l.LastLength)}
			if v.Choice("env") == EnvRandomWalk {
				row = append(row, models.WalkRMS(l.V))
			}
			return row
		}})
	}
	return agents, func() map[string]float64 {
		m := map[string]float64{}
		for i, l := range learners {
			g, ok := l.Env().(*models.Grid)
			if !ok || l.Q == nil || g.StartCell < 0 {
				continue
			}
			suffix := ""
			if i > 0 {
				suffix = "_vs"
			}
			p, ok := l.GreedyPath(g.StartCell)
			m["greedy_path_reached"+suffix] = 0
			if ok {
				m["greedy_path_reached"+suffix] = 1
				m["greedy_path_length"+suffix] = float64(len(p) - 1)
			}
		}
		return m
	}, nil
}
