package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The rl topic has four units: the grids (gridworld, windy, cliff) with DP
// or one or two learners, the random walk, Pavlovian conditioning and the
// 1983 cart-pole.

func newRL(exp string) unit {
	switch exp {
	case topic.EnvRandomWalk:
		return &walkRL{}
	case topic.EnvConditioning:
		return &condRL{}
	case topic.EnvCartPole:
		return &poleRL{}
	}
	return &gridRL{}
}

// rlPanel is the theory tab every rl unit shares.
type rlPanel struct{}

func (rlPanel) tabs() []string                          { return []string{"Theory"} }
func (rlPanel) panel(_ *drawer, _ string, w int) string { return wrap(rlTheory, w) }
func (rlPanel) keys() []key.Binding                     { return nil }
func (rlPanel) key(tea.KeyMsg) bool                     { return false }

const rlTheory = `The Bellman equation: the value of a state under a policy π is the expected reward of the next move plus the discounted value of where it leads, v(s) = Σ_a π(a|s) [r + γ v(s′)]. Dynamic programming sweeps it over the model (policy evaluation), or takes the best action's (value iteration), or evaluates a policy exactly and makes it greedy (policy iteration).
Without a model, learn from samples. Monte Carlo waits for the episode's return G and moves V(s) towards it. TD learning moves V(s) towards r + γV(s′) after every move: δ = r + γV(s′) − V(s), the prediction error, is the whole signal. TD(λ) spreads each δ over the states visited before through eligibility traces.
Control: SARSA learns Q of the policy it follows (on-policy: its target uses the next action it will take, exploration included); Q-learning learns Q of the greedy policy whatever it does (off-policy: its target is max_a Q(s′, a)); expected SARSA averages the target over the ε-greedy policy.
On the cliff, exploring near the edge sometimes falls off (−100); SARSA counts that cost into its values and walks the safe path far from the edge; Q-learning values the optimal path along the edge and falls off more often while it explores (Example 6.6).
Dopamine (Schultz, Dayan and Montague 1997): a dopamine neuron fires at an unexpected reward; after conditioning it fires at the cue instead and not at the reward; when a predicted reward is left out it pauses at the time it was due. That is δ with the time since the cue as the state: the cue is not predicted, so V jumps there; the reward is, so δ vanishes there.
The cart-pole (Barto, Sutton and Anderson 1983): an actor pushes left or right; a critic learns the value of 162 boxes of the state and turns the rare failure signal into a TD error every step, which trains both.
Questions: why does SARSA take the safe path? Why does the dopamine response move to the cue? Why does TD beat Monte Carlo on the random walk?`

// cellOf is a grid cell's (row, column) as text.
func cellOf(g *models.Grid, s int) string { return fmt.Sprintf("%d,%d", s/g.Cols, s%g.Cols) }

// gridRL is DP or one or two learners on a grid.
type gridRL struct {
	rlPanel
	grid   *models.Grid
	dp     *models.DP
	agents []*models.Learner // the versus agent second
	// per agent: return and length of each episode; for predictors the
	// RMS error against v_π, which DP computes at reset
	returns, lengths, rms [2]trace
	truth                 []float64
	recent                [2][]float64 // the last returnWindow returns
	deltas                trace        // DP: the largest change of each sweep
	shown                 int          // whose values the grid shows
}

// returnWindow is how many episodes' returns the chart averages.
const returnWindow = 10

var swapKey = key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "show the other agent's values"))

func (s *gridRL) reset(v topic.Values, seed uint64) error {
	g := topic.RLEnv(v).(*models.Grid)
	*s = gridRL{grid: g}
	if v.Choice("agent") == models.AgentDP {
		d, err := models.NewDP(g, v.Choice("dp"), v.Float("gamma"))
		if err != nil {
			return err
		}
		s.dp = d
		return nil
	}
	for _, name := range []string{v.Choice("agent"), topic.VersusAgent(v)} {
		if name == "" {
			continue
		}
		l, err := models.NewLearner(g, topic.LearnerParams(v, name), seed)
		if err != nil {
			return err
		}
		s.agents = append(s.agents, l)
	}
	if models.Predicts(s.agents[0].Params().Agent) || len(s.agents) > 1 && models.Predicts(s.agents[1].Params().Agent) {
		d, _ := models.NewDP(g, models.DPEvaluate, v.Float("gamma"))
		for !d.Converged() && d.Sweeps < models.DPMax {
			d.Sweep()
		}
		s.truth = d.V
	}
	return nil
}

// errorRMS is the RMS error of V against v_π over the non-terminal cells.
func (s *gridRL) errorRMS(l *models.Learner) float64 {
	sum, n := 0.0, 0
	for c, t := range s.truth {
		if !s.grid.Terminal(c) {
			d := l.V[c] - t
			sum += d * d
			n++
		}
	}
	return math.Sqrt(sum / float64(n))
}

func (s *gridRL) step() {
	if s.dp != nil {
		if !s.dp.Converged() {
			s.dp.Sweep()
			s.deltas.add(float64(s.dp.Sweeps), s.dp.Delta)
		}
		return
	}
	for i, l := range s.agents {
		l.Step()
		if l.S < 0 {
			s.recent[i] = append(s.recent[i], l.LastReturn)
			if len(s.recent[i]) > returnWindow {
				s.recent[i] = s.recent[i][1:]
			}
			s.returns[i].add(float64(l.Episodes), mean(s.recent[i]))
			s.lengths[i].add(float64(l.Episodes), float64(l.LastLength))
			if l.V != nil && s.truth != nil {
				s.rms[i].add(float64(l.Episodes), s.errorRMS(l))
			}
		}
	}
}

func (s *gridRL) finished(v topic.Values) (bool, string) {
	if s.dp != nil {
		if s.dp.Err != nil {
			return true, s.dp.Err.Error()
		}
		return s.dp.Converged(), fmt.Sprintf("converged after %d %s", s.dp.Sweeps, s.sweepWord())
	}
	return episodesDone(v, s.agents[0].Episodes, s.agents[0].S < 0, "episodes")
}

// episodesDone says whether a run has finished the --episodes that jclub
// run takes (done of them, and none begun since: between).
func episodesDone(v topic.Values, done int, between bool, what string) (bool, string) {
	n := v.Int("episodes")
	return done >= n && between, fmt.Sprintf("%d %s, as jclub run takes", n, what)
}

func (s *gridRL) sweepWord() string {
	if s.dp.Kind == models.DPPolicy {
		return "rounds"
	}
	return "sweeps"
}

func (s *gridRL) keys() []key.Binding {
	if len(s.agents) > 1 {
		return []key.Binding{swapKey}
	}
	return nil
}

func (s *gridRL) key(msg tea.KeyMsg) bool {
	if len(s.agents) > 1 && key.Matches(msg, swapKey) {
		s.shown = 1 - s.shown
		return true
	}
	return false
}

func (s *gridRL) tabs() []string { return []string{"Theory", "Values"} }

func (s *gridRL) panel(d *drawer, name string, w int) string {
	if name != "Values" {
		return s.rlPanel.panel(d, name, w)
	}
	g := s.grid
	value, who := s.valueFunc()
	var b strings.Builder
	// the grid's key, which a small screen leaves out under the grid
	b.WriteString(wrap("The grid: "+ansi.Strip(s.gridLegend(d.S()))+"; S the start, G the goal, · no greedy action yet.", w) + "\n\n")
	b.WriteString(wrap(who+", by cell (row, column):", w) + "\n")
	header := []string{""}
	for c := 0; c < g.Cols; c++ {
		header = append(header, fmt.Sprint(c))
	}
	var rows [][]string
	for r := 0; r < g.Rows; r++ {
		row := []string{fmt.Sprint(r)}
		for c := 0; c < g.Cols; c++ {
			row = append(row, s.valueCell(r*g.Cols+c, value))
		}
		rows = append(rows, row)
	}
	b.WriteString(table(header, rows, w, len(rows)+2))
	if s.truth != nil {
		b.WriteString("\n\n" + wrap("v_π of the equiprobable policy (DP), which the predictors are learning:", w) + "\n")
		rows = rows[:0]
		for r := 0; r < g.Rows; r++ {
			row := []string{fmt.Sprint(r)}
			for c := 0; c < g.Cols; c++ {
				row = append(row, s.valueCell(r*g.Cols+c, func(c int) float64 { return s.truth[c] }))
			}
			rows = append(rows, row)
		}
		b.WriteString(table(header, rows, w, len(rows)+2))
	}
	return b.String()
}

// valueCell is a cell of the Values tab: the value, or what the cell is.
func (s *gridRL) valueCell(c int, value func(int) float64) string {
	switch {
	case s.grid.IsCliff(c):
		return "cliff"
	case s.grid.Terminal(c):
		return "goal"
	}
	return fmt.Sprintf("%.1f", value(c))
}

// valueFunc is the shown values (V, or max Q) and whose they are.
func (s *gridRL) valueFunc() (func(int) float64, string) {
	if s.dp != nil {
		return func(c int) float64 { return s.dp.V[c] }, "V (" + dpName(s.dp.Kind) + ")"
	}
	l := s.agents[min(s.shown, len(s.agents)-1)]
	if l.V != nil {
		return func(c int) float64 { return l.V[c] }, "V of the random policy (" + l.Params().Agent + ")"
	}
	return l.Value, "max_a Q (" + l.Params().Agent + ")"
}

func dpName(kind string) string {
	switch kind {
	case models.DPValue:
		return "value iteration"
	case models.DPPolicy:
		return "policy iteration"
	}
	return "policy evaluation"
}

func (s *gridRL) status() string {
	if d := s.dp; d != nil {
		out := fmt.Sprintf("%s · %d %s", dpName(d.Kind), d.Sweeps, s.sweepWord())
		if d.Sweeps > 0 {
			out += fmt.Sprintf(" · Δ %.3g", d.Delta)
		}
		if d.Converged() {
			out += " · converged"
		}
		return out
	}
	var parts []string
	for _, l := range s.agents {
		p := fmt.Sprintf("%s episode %d", l.Params().Agent, l.Episodes+1)
		if l.Episodes > 0 {
			p += fmt.Sprintf(" (last return %.0f)", l.LastReturn)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " · ")
}

func (s *gridRL) layout(d *drawer) layout {
	S := d.S()
	g := s.grid
	value, who := s.valueFunc()
	title := fmt.Sprintf("%s %d×%d · %s", g.ID, g.Rows, g.Cols, who)
	legend := s.gridLegend(S)
	rows := g.Rows
	if g.Wind != nil {
		rows++
	}
	main := box{title: title, legend: legend, min: rows, legendFrom: rows + 3,
		draw: func(w, h int) string { return s.drawGrid(d.c, w, h, value) }}
	var right []box
	if s.dp != nil {
		right = append(right, d.chart("delta", "largest change of V per "+strings.TrimSuffix(s.sweepWord(), "s"),
			S.Series[0].Render("━ Δ = max|V′ − V|")+"  "+S.Dim.Render(fmt.Sprintf("converged below %.0e", models.DPTol)), s.drawDeltas))
	} else {
		right = append(right, d.chart("returns", fmt.Sprintf("return per episode (mean of %d)", returnWindow), s.agentLegend(S, ""), s.drawReturns))
		if s.truth != nil {
			right = append(right, d.chart("rms", "RMS error of V against v_π (DP)", s.agentLegend(S, ""), s.drawRMS))
		} else {
			b := d.chart("lengths", "moves per episode", s.agentLegend(S, s.pathNote()), s.drawLengths)
			b.optional = true
			right = append(right, b)
		}
	}
	return layout{main: main, update: s.lastUpdate(d), right: right}
}

// pathNote gives the greedy paths' lengths from the start.
func (s *gridRL) pathNote() string {
	if s.grid.StartCell < 0 {
		return ""
	}
	var parts []string
	for _, l := range s.agents {
		if l.Q == nil {
			continue
		}
		p, ok := l.GreedyPath(s.grid.StartCell)
		if ok {
			parts = append(parts, fmt.Sprintf("%s's greedy path %d moves", l.Params().Agent, len(p)-1))
		} else {
			parts = append(parts, fmt.Sprintf("%s's greedy path does not reach the goal now", l.Params().Agent))
		}
	}
	return strings.Join(parts, "; ")
}

func (s *gridRL) agentLegend(S Styles, note string) string {
	var parts []string
	for i, l := range s.agents {
		mark := "━ "
		if i > 0 {
			mark = "┅ "
		}
		parts = append(parts, S.Series[i].Render(mark+l.Params().Agent))
	}
	if note != "" {
		parts = append(parts, S.Dim.Render(note))
	}
	return strings.Join(parts, "  ")
}

func (s *gridRL) gridLegend(S Styles) string {
	parts := []string{S.Dim.Render("bright: high value")}
	if s.dp != nil || s.agents[s.shown].Q != nil {
		parts = append(parts, "↑ greedy")
	}
	if s.grid.StartCell >= 0 {
		parts = append(parts, S.Accent.Render("⇑ path from S"))
	}
	if s.dp == nil {
		parts = append(parts, S.Accent.Render("● "+s.agents[s.shown].Params().Agent))
		if len(s.agents) > 1 {
			parts = append(parts, S.Series[1].Render("○ "+s.agents[1-s.shown].Params().Agent+", ∘ its path (v swaps)"))
		}
	}
	if s.grid.Cliff != nil {
		parts = append(parts, S.Bad.Render("░ cliff −100"))
	}
	if s.grid.Wind != nil {
		parts = append(parts, "wind under the grid")
	}
	return strings.Join(parts, "  ")
}

var doubleArrow = [4]string{"⇑", "⇒", "⇓", "⇐"}

// drawGrid draws the cells with their values as shades (and numbers where
// they fit), the greedy arrows, the agents and the greedy paths.
func (s *gridRL) drawGrid(c *Common, w, h int, value func(int) float64) string {
	g := s.grid
	rows := g.Rows
	if g.Wind != nil {
		rows++ // the wind under the grid
	}
	cw, ch := min(8, w/g.Cols), min(3, h/rows)
	if cw < 1 || ch < 1 {
		return block("", w, h)
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for cell := 0; cell < g.States(); cell++ {
		if !g.Terminal(cell) && !g.IsCliff(cell) {
			lo, hi = math.Min(lo, value(cell)), math.Max(hi, value(cell))
		}
	}
	// the greedy actions (all of a tie where the cell has room, as
	// Figure 4.1 draws them)
	arrows := func(cell int) string {
		var acts []int
		if s.dp != nil {
			if s.dp.Sweeps == 0 {
				return "·"
			}
			acts = s.dp.Ties(cell)
		} else if a := s.agents[min(s.shown, len(s.agents)-1)].Best(cell); a >= 0 {
			acts = []int{a}
		}
		if len(acts) == 0 {
			return "·"
		}
		if len(acts) > cw-1 {
			acts = acts[:1]
		}
		out := ""
		for _, a := range acts {
			out += models.ArrowOf[a]
		}
		return out
	}
	// the greedy paths from the start: the shown one's arrows doubled, the
	// other agent's cells marked
	path, other := map[int]int{}, map[int]bool{}
	if g.StartCell >= 0 {
		var p []int
		var act func(int) int
		ok := false
		if s.dp != nil {
			p, ok = s.dp.GreedyPath(g.StartCell)
			act = s.dp.Best
		} else if l := s.agents[min(s.shown, len(s.agents)-1)]; l.Q != nil {
			p, ok = l.GreedyPath(g.StartCell)
			act = func(c int) int { return models.Greedy(l.Q, 4, c) }
		}
		if !ok {
			p = nil // a path that never arrives is not drawn
		}
		for _, c := range p {
			if !g.Terminal(c) {
				path[c] = act(c)
			}
		}
		if len(s.agents) > 1 {
			if l := s.agents[1-s.shown]; l.Q != nil {
				if q, ok := l.GreedyPath(g.StartCell); ok {
					for _, c := range q {
						other[c] = true
					}
				}
			}
		}
	}
	at := map[int]string{}
	for i := len(s.agents) - 1; i >= 0; i-- {
		if l := s.agents[i]; l.S >= 0 {
			at[l.S] = [2]string{"●", "○"}[(i+s.shown)%2]
		}
	}
	ascii := c.R.ColorProfile() == termenv.Ascii
	var lines []string
	for r := 0; r < g.Rows; r++ {
		cells := make([][]string, g.Cols)
		for col := 0; col < g.Cols; col++ {
			cell := r*g.Cols + col
			glyph := ""
			switch {
			case g.IsCliff(cell):
				glyph = strings.Repeat("░", cw)
			case g.Terminal(cell):
				glyph = "G"
			case at[cell] != "":
				glyph = at[cell]
			default:
				if a, ok := path[cell]; ok {
					glyph = doubleArrow[a]
				} else {
					glyph = arrows(cell)
				}
				if other[cell] && cw >= 2 {
					glyph += "∘"
				}
			}
			if cell == g.StartCell && at[cell] == "" && cw >= 2 {
				glyph = "S" + glyph
			}
			num := ""
			if !g.Terminal(cell) && !g.IsCliff(cell) {
				num = valueText(value(cell), cw-1) // a blank between numbers
			}
			text := make([]string, ch)
			switch {
			case ch >= 2:
				text[0], text[1] = num, glyph
			case num != "" && ansi.StringWidth(num)+1+ansi.StringWidth(glyph) <= cw:
				text[0] = num + " " + glyph
			default:
				text[0] = glyph
			}
			f := 0.5
			if hi > lo {
				f = (value(cell) - lo) / (hi - lo)
			}
			for k := range text {
				t := centre(text[k], cw)
				switch {
				case ascii:
				case g.IsCliff(cell):
					t = c.heatCell(t, 0.3, false)
				case g.Terminal(cell):
					t = c.heatCell(t, 1, true)
				default:
					t = c.heatCell(t, 0.15+0.85*f, true)
				}
				text[k] = t
			}
			cells[col] = text
		}
		for k := 0; k < ch; k++ {
			var b strings.Builder
			for col := range cells {
				b.WriteString(cells[col][k])
			}
			lines = append(lines, b.String())
		}
	}
	if g.Wind != nil {
		var b strings.Builder
		for _, wnd := range g.Wind {
			b.WriteString(centre(fmt.Sprint(wnd), cw))
		}
		lines = append(lines, c.S.Dim.Render(b.String()))
	}
	return block(strings.Join(lines, "\n"), w, h)
}

// valueText is v in at most w cells ("" if it does not fit).
func valueText(v float64, w int) string {
	for _, f := range []string{"%.1f", "%.0f"} {
		if t := fmt.Sprintf(f, v); len(t) <= w {
			return t
		}
	}
	return ""
}

// centre pads t to w cells, centred (cut if longer).
func centre(t string, w int) string {
	n := ansi.StringWidth(t)
	if n >= w {
		return ansi.Truncate(t, w, "")
	}
	l := (w - n) / 2
	return strings.Repeat(" ", l) + t + strings.Repeat(" ", w-n-l)
}

// episodeRange is the x range of the per-episode charts.
func episodeRange(ts ...trace) [2]float64 {
	x := 10.0
	for _, t := range ts {
		x = math.Max(x, t.last())
	}
	return [2]float64{1, x}
}

// robustLow is a lower bound that leaves out the worst 5% (the first
// episodes' long wanders), so that the learnt returns can be read.
func robustLow(ts ...trace) float64 {
	var all []float64
	for _, t := range ts {
		all = append(all, t.ys...)
	}
	if len(all) == 0 {
		return -1
	}
	slices.Sort(all)
	return all[len(all)/20]
}

func (s *gridRL) drawSeries(p *plot, ts *[2]trace, lo, hi float64) {
	S := p.c.S
	var ss []series
	for i := range s.agents {
		st := series{xs: ts[i].xs, ys: ts[i].ys, style: S.Series[i]}
		if i > 0 {
			st.dash = dashed
		}
		ss = append(ss, st)
	}
	if hi <= lo {
		hi = lo + 1
	}
	p.draw(episodeRange(ts[0], ts[1]), [2]float64{lo, hi}, ss...)
}

func (s *gridRL) drawReturns(p *plot) string {
	p.xName, p.yName = "episode", "return"
	p.intX = true
	if len(s.returns[0].xs) == 0 {
		return "run: each episode's return (its summed rewards) appears here"
	}
	lo := robustLow(s.returns[0], s.returns[1])
	hi := maxOf(lo+1, s.returns[0].ys, s.returns[1].ys)
	s.drawSeries(p, &s.returns, lo, hi)
	return ""
}

func (s *gridRL) drawLengths(p *plot) string {
	p.xName, p.yName = "episode", "moves"
	p.intX = true
	if len(s.lengths[0].xs) == 0 {
		return "run: each episode's length appears here"
	}
	var all []float64
	for _, t := range s.lengths {
		all = append(all, t.ys...)
	}
	slices.Sort(all)
	hi := all[len(all)*19/20] * 1.1
	s.drawSeries(p, &s.lengths, 0, hi)
	return ""
}

func (s *gridRL) drawRMS(p *plot) string {
	p.xName, p.yName = "episode", "RMS"
	p.intX = true
	if len(s.rms[0].xs) == 0 && len(s.rms[1].xs) == 0 {
		return "the error is measured at the end of each episode"
	}
	s.drawSeries(p, &s.rms, 0, maxOf(0.1, s.rms[0].ys, s.rms[1].ys)*1.05)
	return ""
}

func (s *gridRL) drawDeltas(p *plot) string {
	p.xName, p.yName = strings.TrimSuffix(s.sweepWord(), "s"), "Δ"
	p.intX, p.logY = true, true
	if len(s.deltas.xs) == 0 {
		return "n: one sweep of the Bellman backup over every state"
	}
	lo, hi := math.Inf(1), 0.0
	for _, y := range s.deltas.ys {
		if y > 0 {
			lo, hi = math.Min(lo, y), math.Max(hi, y)
		}
	}
	if math.IsInf(lo, 1) {
		lo, hi = models.DPTol, 1
	}
	lo = math.Min(lo, models.DPTol)
	p.draw([2]float64{0, math.Max(5, s.deltas.last())}, [2]float64{lo / 2, hi * 2},
		hline(0, math.Max(5, s.deltas.last()), models.DPTol, p.c.S.Series[1], dashed),
		series{xs: s.deltas.xs, ys: s.deltas.ys, style: p.c.S.Series[0]})
	return ""
}

// learnerUpdate says what a learner's last step did, with its numbers.
func learnerUpdate(S Styles, l *models.Learner, cell func(int) string) string {
	u, p := l.Last, l.Params()
	if l.Moves == 0 {
		return S.Dim.Render("n: one move; the estimate of the state left moves towards its target")
	}
	arrow := []string{"←", "→"}[min(u.A, 1)]
	if _, ok := l.Env().(*models.Grid); ok {
		arrow = models.ArrowOf[u.A]
	}
	move := fmt.Sprintf("(%s) %s (%s), r = %g", cell(u.S), arrow, cell(u.Next), u.R)
	if u.Terminal {
		move += " (episode over)"
	}
	switch p.Agent {
	case models.AgentMC:
		if u.Changed == 0 {
			return move + "\n" + S.Dim.Render("Monte Carlo waits for the episode's return before it changes anything")
		}
		return move + "\n" + S.Accent.Render(fmt.Sprintf("the return moved %d values: most V(%s) %.3f → %.3f (G − V = %+.3f)",
			u.Changed, cell(u.Cell), u.Old, u.New, u.Delta))
	case models.AgentTD:
		out := fmt.Sprintf("δ = r + γV(s′) − V(s) = %+.3f", u.Delta)
		if p.Lambda > 0 {
			out += fmt.Sprintf("; with λ = %g it moved %d traced values", p.Lambda, u.Changed)
		}
		return move + "\n" + out + "\n" + S.Accent.Render(fmt.Sprintf("V(%s) %.3f → %.3f (αδ = %+.3f)", cell(u.Cell), u.Old, u.New, u.New-u.Old))
	}
	target := map[string]string{models.AgentSarsa: "Q(s′,a′)", models.AgentQ: "max Q(s′,·)", models.AgentExpected: "E_π Q(s′,·)"}[p.Agent]
	return move + "\n" + fmt.Sprintf("δ = r + γ%s − Q(s,a) = %+.3f", target, u.Delta) + "\n" +
		S.Accent.Render(fmt.Sprintf("Q(%s, %s) %.3f → %.3f (αδ = %+.3f)", cell(u.Cell), arrow, u.Old, u.New, u.New-u.Old))
}

func (s *gridRL) lastUpdate(d *drawer) string {
	S := d.S()
	cell := func(c int) string { return cellOf(s.grid, c) }
	if dp := s.dp; dp != nil {
		if dp.Sweeps == 0 {
			return S.Dim.Render("n: one sweep: every state's V from the last sweep's values by the Bellman backup")
		}
		if dp.Err != nil {
			return S.Bad.Render(dp.Err.Error())
		}
		out := fmt.Sprintf("%s %d: Δ = max|V′ − V| = %.3g", strings.TrimSuffix(s.sweepWord(), "s"), dp.Sweeps, dp.Delta)
		if dp.Worst >= 0 {
			out += " at (" + cell(dp.Worst) + ")"
		}
		if dp.Kind == models.DPPolicy {
			out += fmt.Sprintf("\nthe policy evaluated exactly, then made greedy: %d actions changed", dp.Changed)
		}
		if s.grid.StartCell >= 0 {
			out += "\n" + S.Accent.Render(fmt.Sprintf("V(start) = %.3f", dp.V[s.grid.StartCell]))
		}
		return out
	}
	l := s.agents[0]
	out := learnerUpdate(S, l, cell)
	if len(s.agents) > 1 {
		b := s.agents[1]
		out += "\n" + S.Series[1].Render(fmt.Sprintf("%s: δ %+.3f, now at (%s)", b.Params().Agent, b.Last.Delta, cell(b.Last.Next)))
	}
	return out
}

// walkRL is the random walk of Example 6.2 with one or two predictors.
type walkRL struct {
	rlPanel
	agents []*models.Learner
	rms    [2]trace
	// the book's right-hand figure, computed at reset: each method and α's
	// RMS error after each episode, averaged over walkRuns runs
	fig []walkCurve
}

type walkCurve struct {
	agent string
	alpha float64
	rms   []float64
}

// walkRuns and walkEpisodes are the book's figure's.
const walkRuns, walkEpisodes = 100, 100

func (s *walkRL) reset(v topic.Values, seed uint64) error {
	*s = walkRL{}
	for _, name := range []string{v.Choice("agent"), topic.VersusAgent(v)} {
		if name == "" {
			continue
		}
		l, err := models.NewLearner(models.RandomWalk{}, topic.LearnerParams(v, name), seed)
		if err != nil {
			return err
		}
		s.agents = append(s.agents, l)
	}
	for _, c := range []walkCurve{{agent: models.AgentTD, alpha: 0.05}, {agent: models.AgentTD, alpha: 0.1}, {agent: models.AgentTD, alpha: 0.15},
		{agent: models.AgentMC, alpha: 0.01}, {agent: models.AgentMC, alpha: 0.02}, {agent: models.AgentMC, alpha: 0.03}, {agent: models.AgentMC, alpha: 0.04}} {
		c.rms = models.WalkCurve(c.agent, c.alpha, walkRuns, walkEpisodes, seed)
		s.fig = append(s.fig, c)
	}
	return nil
}

func (s *walkRL) step() {
	for i, l := range s.agents {
		l.Step()
		if l.S < 0 {
			s.rms[i].add(float64(l.Episodes), models.WalkRMS(l.V))
		}
	}
}

func (s *walkRL) finished(v topic.Values) (bool, string) {
	return episodesDone(v, s.agents[0].Episodes, s.agents[0].S < 0, "episodes")
}

func (s *walkRL) status() string {
	var parts []string
	for _, l := range s.agents {
		parts = append(parts, fmt.Sprintf("%s episode %d · RMS %.3f", l.Params().Agent, l.Episodes+1, models.WalkRMS(l.V)))
	}
	return strings.Join(parts, " · ")
}

func (s *walkRL) tabs() []string { return []string{"Theory", "Figure 6.2"} }

func (s *walkRL) panel(d *drawer, name string, w int) string {
	if name != "Figure 6.2" {
		return s.rlPanel.panel(d, name, w)
	}
	var rows [][]string
	for _, c := range s.fig {
		row := []string{c.agent, fmt.Sprint(c.alpha)}
		for _, e := range []int{1, 10, 25, 50, 100} {
			row = append(row, fmt.Sprintf("%.3f", c.rms[e-1]))
		}
		rows = append(rows, row)
	}
	return wrap(fmt.Sprintf("RMS error of V(A..E) after each episode, averaged over %d runs from this seed, as the book's right-hand figure (all values start at 0.5):", walkRuns), w) +
		"\n" + table([]string{"agent", "α", "ep 1", "10", "25", "50", "100"}, rows, w, len(rows)+2) + "\n\n" +
		wrap("TD's error falls faster and ends lower than Monte Carlo's at every α here: TD uses what it learnt about the next state, Monte Carlo only the noisy return. The larger α, the faster the fall and the higher the floor the noise leaves.", w)
}

func (s *walkRL) layout(d *drawer) layout {
	S := d.S()
	var leg []string
	for i, l := range s.agents {
		leg = append(leg, S.Series[i].Render([]string{"● ", "○ "}[i]+l.Params().Agent+" estimate"))
	}
	leg = append(leg, S.Series[2].Render("┅ true 1/6 … 5/6"))
	fig := d.chart("figure", fmt.Sprintf("RMS error over %d runs (the book's figure)", walkRuns),
		S.Series[0].Render("━ TD α .05 .1 .15")+"  "+S.Series[1].Render("┅ MC α .01–.04")+"  "+S.Dim.Render("(tab: Figure 6.2)"), s.drawFigure)
	fig.optional = true
	return layout{
		main:   d.chart("values", fmt.Sprintf("values of A–E after %d episodes", s.agents[0].Episodes), strings.Join(leg, "  "), s.drawValues),
		update: learnerUpdate(S, s.agents[0], walkCell),
		right: []box{
			d.chart("rms", "RMS error of this run", s.legend(S), s.drawRMS),
			fig,
		},
	}
}

func (s *walkRL) legend(S Styles) string {
	var parts []string
	for i, l := range s.agents {
		parts = append(parts, S.Series[i].Render([]string{"━ ", "┅ "}[i]+fmt.Sprintf("%s α %g", l.Params().Agent, l.Params().Alpha)))
	}
	return strings.Join(parts, "  ")
}

// walkCell names a random-walk state.
func walkCell(s int) string {
	switch s {
	case 0:
		return "left end"
	case 6:
		return "right end"
	}
	return string(rune('A' + s - 1))
}

func (s *walkRL) drawValues(p *plot) string {
	p.xName, p.yName = "state A–E", "V"
	S := p.c.S
	xs := []float64{1, 2, 3, 4, 5}
	ss := []series{{xs: xs, ys: models.WalkTruth(), style: S.Series[2], dash: dashed}}
	for i, l := range s.agents {
		ss = append(ss, series{xs: xs, ys: l.V[1:6], style: S.Series[i], glyph: []rune{'●', '○'}[i]})
	}
	p.draw([2]float64{0.5, 5.5}, [2]float64{0, 1}, ss...)
	return ""
}

func (s *walkRL) drawRMS(p *plot) string {
	p.xName, p.yName = "episode", "RMS"
	p.intX = true
	S := p.c.S
	if len(s.rms[0].xs) == 0 {
		return "the error is measured at the end of each episode"
	}
	var ss []series
	for i := range s.agents {
		st := series{xs: s.rms[i].xs, ys: s.rms[i].ys, style: S.Series[i]}
		if i > 0 {
			st.dash = dashed
		}
		ss = append(ss, st)
	}
	p.draw(episodeRange(s.rms[0], s.rms[1]), [2]float64{0, maxOf(0.25, s.rms[0].ys, s.rms[1].ys)}, ss...)
	return ""
}

func (s *walkRL) drawFigure(p *plot) string {
	p.xName, p.yName = "episode", "RMS"
	p.intX = true
	S := p.c.S
	var ss []series
	xs := make([]float64, walkEpisodes)
	for i := range xs {
		xs[i] = float64(i + 1)
	}
	for _, c := range s.fig {
		st := series{xs: xs, ys: c.rms, style: S.Series[0]}
		if c.agent == models.AgentMC {
			st.style, st.dash = S.Series[1], dashed
		}
		ss = append(ss, st)
	}
	p.draw([2]float64{0, walkEpisodes}, [2]float64{0, 0.25}, ss...)
	return ""
}

// condRL is Pavlovian conditioning with the TD error as the dopamine
// signal.
type condRL struct {
	rlPanel
	c           *models.Conditioning
	cue, reward trace
}

func (s *condRL) reset(v topic.Values, seed uint64) error {
	c, err := models.NewConditioning(topic.CondParams(v), seed)
	if err != nil {
		return err
	}
	*s = condRL{c: c}
	return nil
}

func (s *condRL) step() {
	n := s.c.Trials
	s.c.Step()
	if s.c.Trials > n {
		s.cue.add(float64(s.c.Trials), s.c.DeltaCue)
		if s.c.LastRewarded {
			s.reward.add(float64(s.c.Trials), s.c.DeltaReward)
		}
	}
}

func (s *condRL) finished(v topic.Values) (bool, string) {
	return episodesDone(v, s.c.Trials, s.c.T == 0, "trials")
}

func (s *condRL) status() string {
	c := s.c
	out := fmt.Sprintf("trial %d · t %d of %d", c.Trials+1, c.T, c.Params().Length)
	if c.Trials > 0 {
		out += fmt.Sprintf(" · last δ cue %+.2f, reward %+.2f", c.DeltaCue, c.DeltaReward)
		if !c.LastRewarded {
			out += " (omitted)"
		}
	}
	return out
}

func (s *condRL) layout(d *drawer) layout {
	S := d.S()
	p := s.c.Params()
	main := box{title: fmt.Sprintf("TD error δ: trials down, time across · cue at %d, reward at %d", p.Cue, p.Cue+p.Delay),
		legend: S.Bad.Render("red: δ > 0, a burst") + "  " + S.Accent.Render("blue: δ < 0, a pause") + "  " +
			S.Dim.Render("▲ cue ◆ reward ×: reward omitted"),
		min: 6, legendFrom: 10, draw: func(w, h int) string { return s.drawRaster(d.c, w, h) }}
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("trial", "this trial: V(t) and δ(t)", S.Series[0].Render("━ δ(t)")+"  "+S.Series[1].Render("┅ V(t)")+"  "+
				S.Dim.Render("┈ cue and reward"), s.drawTrial),
			d.chart("shift", "δ at the cue and at the reward, by trial", S.Series[0].Render("━ at the cue")+"  "+
				S.Series[1].Render("┅ at the reward (rewarded trials)"), s.drawShift),
		},
	}
}

// drawRaster draws the kept trials' δ, sampled to the box's rows, with
// time stretched across its width.
func (s *condRL) drawRaster(c *Common, w, h int) string {
	m := s.c
	L := m.Params().Length
	if w < 8 || h < 3 {
		return block("", w, h)
	}
	label := 6 // "  123 " trial numbers
	cols := w - label
	scale := max(1, cols/L)
	rows := 2 * (h - 1) // half-block pixels; the last line marks the cue and reward
	n := len(m.Raster)
	if n == 0 {
		return block(c.S.Dim.Render(wrap("each finished trial adds a row: δ at each time step, red above zero, blue below", w)), w, h)
	}
	show := min(n, rows)
	pix := make([]float64, 0, show*L*scale)
	var labels []string
	var omitted []bool
	for k := range show {
		i := k * (n - 1) / max(1, show-1)
		if show == 1 {
			i = n - 1
		}
		for t := 1; t <= L; t++ {
			for range scale {
				pix = append(pix, m.Raster[i][t])
			}
		}
		labels = append(labels, fmt.Sprint(m.RasterTrial[i]))
		omitted = append(omitted, !m.RasterRewarded[i])
	}
	// δ is at most about 1 in size: a fixed scale, so early and late trials compare
	for i := range pix {
		pix[i] = math.Max(-1, math.Min(1, pix[i]))
	}
	pic := c.shades(append(pix, 1), L*scale, show, true, h) // the extra pixel pins the scale at 1
	var lines []string
	for r, line := range pic {
		lab := ""
		if k := 2 * r; k < len(labels) {
			lab = labels[k]
			if omitted[k] || k+1 < len(omitted) && omitted[k+1] {
				lab = "×" + lab
			}
		}
		lines = append(lines, fmt.Sprintf("%*s ", label-1, lab)+line)
	}
	marks := []rune(strings.Repeat(" ", L*scale))
	marks[(m.Params().Cue-1)*scale] = '▲'
	marks[(m.RewardTime()-1)*scale] = '◆'
	lines = append(lines, strings.Repeat(" ", label)+string(marks))
	return block(strings.Join(lines, "\n"), w, h)
}

func (s *condRL) drawTrial(p *plot) string {
	p.xName, p.yName = "time step", ""
	p.intX = true
	m, S := s.c, p.c.S
	L := m.Params().Length
	var ts, vs, ds []float64
	// the trial in progress, or the last one before it began
	delta, upto := m.Delta, m.T
	if m.T == 0 && len(m.Raster) > 0 {
		delta, upto = m.Raster[len(m.Raster)-1], L
	}
	for t := 0; t <= L; t++ {
		ts, vs = append(ts, float64(t)), append(vs, m.V(t))
	}
	var dts []float64
	for t := 1; t <= upto; t++ {
		dts, ds = append(dts, float64(t)), append(ds, delta[t])
	}
	cue, rew := float64(m.Params().Cue), float64(m.RewardTime())
	p.draw([2]float64{0, float64(L)}, [2]float64{-1.1, 1.1},
		series{xs: []float64{cue, cue}, ys: []float64{-1.1, 1.1}, style: S.Series[2], dash: dotted},
		series{xs: []float64{rew, rew}, ys: []float64{-1.1, 1.1}, style: S.Series[2], dash: dotted},
		series{xs: ts, ys: vs, style: S.Series[1], dash: dashed},
		series{xs: dts, ys: ds, style: S.Series[0]})
	return ""
}

func (s *condRL) drawShift(p *plot) string {
	p.xName, p.yName = "trial", "δ"
	p.intX = true
	S := p.c.S
	if len(s.cue.xs) == 0 {
		return "each finished trial adds its δ at the cue and at the reward"
	}
	xr := episodeRange(s.cue, s.reward)
	p.draw(xr, [2]float64{-0.2, 1.1},
		hline(xr[0], xr[1], 0, S.Dim, dotted),
		series{xs: s.reward.xs, ys: s.reward.ys, style: S.Series[1], dash: dashed},
		series{xs: s.cue.xs, ys: s.cue.ys, style: S.Series[0]})
	return ""
}

func (s *condRL) lastUpdate(d *drawer) string {
	m, S := s.c, d.S()
	p := m.Params()
	t := m.T
	delta := m.Delta
	if t == 0 {
		if m.Trials == 0 {
			return S.Dim.Render("n: one time step; δ(t) = r(t) + γV(t) − V(t−1) moves the weights of the delay-line units active before")
		}
		t, delta = p.Length, m.Raster[len(m.Raster)-1]
	}
	what := ""
	switch t {
	case p.Cue:
		what = " (the cue)"
	case m.RewardTime():
		what = " (the reward's time)"
		if !m.Rewarded && m.T != 0 || m.T == 0 && !m.LastRewarded {
			what = " (the reward's time: omitted)"
		}
	}
	out := fmt.Sprintf("t = %d%s: δ = r + γV(t) − V(t−1) = %+.3f", t, what, delta[t])
	out += "\n" + S.Accent.Render(fmt.Sprintf("V before the reward %.3f, V at the cue %.3f", m.V(m.RewardTime()-1), m.V(p.Cue)))
	return out + "\n" + S.Dim.Render("before the cue nothing predicts it: the code is all zeros there")
}

// poleRL is the 1983 actor-critic learning to balance the cart-pole.
type poleRL struct {
	rlPanel
	c      *models.PoleCart
	trials trace // steps balanced per trial
	delta  trace // r̂ over the current trial
}

func (s *poleRL) reset(v topic.Values, seed uint64) error {
	*s = poleRL{c: models.NewPoleCart(v.Int("limit"), seed)}
	return nil
}

func (s *poleRL) step() {
	n := s.c.Trials
	s.c.Step()
	if s.c.Trials > n {
		s.trials.add(float64(s.c.Trials), float64(s.c.LastLen))
		s.delta.reset()
		return
	}
	s.delta.add(float64(s.c.Steps), s.c.Delta)
}

func (s *poleRL) finished(v topic.Values) (bool, string) {
	return episodesDone(v, s.c.Trials, s.c.Steps == 0, "trials")
}

func (s *poleRL) status() string {
	c := s.c
	out := fmt.Sprintf("trial %d · step %d", c.Trials+1, c.Steps)
	if c.Trials > 0 {
		out += fmt.Sprintf(" · last trial %d steps", c.LastLen)
		if !c.LastFail {
			out += " (balanced)"
		}
	}
	return out
}

func (s *poleRL) layout(d *drawer) layout {
	S := d.S()
	c := s.c
	main := box{title: fmt.Sprintf("actor-critic · goal %d steps", c.Limit), min: 5,
		legend: cartPoleLegend(S), draw: func(w, h int) string { return drawCartPole(d.c, w, h, c.S, c.Push, nil) }}
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("trials", "steps balanced per trial", S.Series[0].Render("━ steps")+"  "+S.Series[1].Render(fmt.Sprintf("┅ the goal, %d", c.Limit)), s.drawTrials),
			d.chart("delta", "the critic's TD error r̂ this trial", S.Series[0].Render("━ r̂ = r + γp(t) − p(t−1)"), s.drawDelta),
		},
	}
}

func (s *poleRL) drawTrials(p *plot) string {
	p.xName, p.yName = "trial", "steps"
	p.intX, p.logY = true, true
	if len(s.trials.xs) == 0 {
		return "run: the first trials fail within a few dozen steps"
	}
	xr := episodeRange(s.trials)
	lim := float64(s.c.Limit)
	p.draw(xr, [2]float64{5, lim * 1.5},
		hline(xr[0], xr[1], lim, p.c.S.Series[1], dashed),
		series{xs: s.trials.xs, ys: s.trials.ys, style: p.c.S.Series[0]})
	return ""
}

func (s *poleRL) drawDelta(p *plot) string {
	p.xName, p.yName = "step", "r̂"
	p.intX = true
	if len(s.delta.xs) == 0 {
		return "n: one 20 ms step; r̂ is the critic's verdict on it"
	}
	lim := 0.05
	for _, y := range s.delta.ys {
		lim = math.Max(lim, math.Abs(y))
	}
	p.draw([2]float64{0, math.Max(10, s.delta.last())}, [2]float64{-lim * 1.1, lim * 1.1},
		series{xs: s.delta.xs, ys: s.delta.ys, style: p.c.S.Series[0]})
	return ""
}

func (s *poleRL) lastUpdate(d *drawer) string {
	c, S := s.c, d.S()
	if c.Moves == 0 {
		return S.Dim.Render("n: the actor pushes ±10 N for 20 ms; the critic's r̂ trains both. Failure (|θ| > 12°, or off the track) is the only reward, −1")
	}
	dir := "right"
	if c.Push < 0 {
		dir = "left"
	}
	out := fmt.Sprintf("pushed %s (P(right) = %.2f); θ %+.1f°, x %+.2f m", dir, c.Right, c.S[2]*180/math.Pi, c.S[0])
	if c.Failed {
		out = S.Bad.Render(fmt.Sprintf("failed after %d steps: r = −1", c.LastLen)) + "\n" + out
	}
	return out + "\n" + S.Accent.Render(fmt.Sprintf("r̂ = r + γp(t) − p(t−1) = %+.4f; p(t) = %.3f", c.Delta, c.P)) + "\n" +
		S.Dim.Render("w += α r̂ e (actor), v += β r̂ x̄ (critic), along their traces")
}
