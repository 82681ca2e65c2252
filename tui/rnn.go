package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

func newRNN(string) unit { return &rnnUnit{} }

const rnnTheory = `Unrolled in time, a recurrent net is a deep net with one layer a step and the same weights in every layer: h_t = tanh(Wx_t + Uh_{t−1} + b). Backpropagation through time (BPTT) runs the unrolled net backwards, once, for the gradient of every weight: O(P) a step for P weights. Real-time recurrent learning (RTRL, Williams and Zipser 1989) carries ∂h_t/∂θ forward instead, for every weight at once: the same gradient, online, at O(H·P) a step (the BPTT against RTRL tab counts both).
Why gradients vanish or explode (Hochreiter 1991; Bengio, Simard and Frasconi 1994): the gradient reaching h_{t−k} is a product of k Jacobians ∂h_s/∂h_{s−1} = diag(1 − h_s²)U; its size changes by about their spectral radius each step, so it falls (or grows) exponentially with the lag, and an SRN cannot learn what happened 100 steps ago.
The LSTM (Hochreiter and Schmidhuber 1997, with the forget gate of Gers et al. 2000): a cell c_t = f⊙c_{t−1} + i⊙g carried through time by multiplication with the forget gate alone; with f near 1 the gradient through the cell does not fade, and the input and output gates decide what enters and leaves it.
Elman (1990): trained only to predict the next input, the hidden state comes to encode what the sequence has shown: where in the XOR triple it is, which word it is in.
Questions: what structure does the hidden state find? Why is BPTT cheaper than RTRL? Why do gradients vanish, and what do the LSTM's gates change?`

// rnnUnit is a recurrent net learning one task.
type rnnUnit struct {
	tr            *models.RNNTrainer
	other         *models.RNNTrainer // the other model, trained beside (--compare)
	otherLags     []float64
	otherSlope    float64
	otherLoss     trace
	loss, metric  trace
	gradLags      []float64 // ‖∂L/∂h_{T−k}‖ for the probe, recomputed now and then
	slope, radius float64
	probedAt      int
	check         rnnCheck  // BPTT against RTRL on the last stretch, when the tab is open
	fig           []float64 // the task's figures at step figAt
	figAt         int
}

type rnnCheck struct {
	step      int
	gap       float64
	bpt, rtrl int
	done      bool
}

func (s *rnnUnit) reset(v topic.Values, seed uint64) error {
	tr, err := models.NewRNNTrainer(topic.RNNParams(v), seed)
	if err != nil {
		return err
	}
	*s = rnnUnit{tr: tr}
	if v.Bool("compare") {
		p := topic.RNNParams(v)
		p.Model = topic.OtherModel(v)
		if s.other, err = models.NewRNNTrainer(p, seed); err != nil {
			return err
		}
	}
	s.probe()
	s.figures()
	return nil
}

// probe measures the gradient against the lag on a fresh probe.
func (s *rnnUnit) probe() {
	n, _, rho, err := s.tr.GradientByLag(topic.GradientProbe)
	if err != nil {
		return
	}
	s.gradLags = n
	s.slope, s.radius, _ = topic.SlopeOf(n, rho)
	s.probedAt = s.tr.Steps
	if s.other != nil {
		if n, _, rho, err := s.other.GradientByLag(topic.GradientProbe); err == nil {
			s.otherLags = n
			s.otherSlope, _, _ = topic.SlopeOf(n, rho)
		}
	}
}

// figures are the task's figures (a held-out set's accuracy or MSE costs
// milliseconds): measured every 50 updates while running, and after any
// other change when the screen is drawn.
func (s *rnnUnit) figures() []float64 {
	if s.fig == nil || s.figAt != s.tr.Steps {
		s.fig, s.figAt = topic.RNNFigures(s.tr), s.tr.Steps
	}
	return s.fig
}

func (s *rnnUnit) step() {
	s.tr.Step()
	s.loss.add(float64(s.tr.Steps), s.tr.SmoothLoss())
	if s.other != nil {
		s.other.Step()
		s.otherLoss.add(float64(s.other.Steps), s.other.SmoothLoss())
	}
	if s.tr.Steps%50 == 0 || s.tr.Steps < 50 {
		f := s.figures()
		switch s.tr.Params().Task {
		case models.TaskXOR:
			s.metric.add(float64(s.tr.Steps), f[2])
		case models.TaskLetters:
			s.metric.add(float64(s.tr.Steps), f[1])
		default:
			s.metric.add(float64(s.tr.Steps), f[0])
		}
	}
	if s.tr.Steps-s.probedAt >= 100 || s.tr.Steps < 10 {
		s.probe()
	}
}

func (s *rnnUnit) status() string {
	tr := s.tr
	out := fmt.Sprintf("%s %s · loss %.4g", tr.Params().Model, tr.Params().Task, tr.SmoothLoss())
	if tr.Steps == 0 {
		out = fmt.Sprintf("%s %s · untrained", tr.Params().Model, tr.Params().Task)
	}
	return out // the task's figure is in the last update (it costs milliseconds)
}

// figureText is the task's figures, in words.
func (s *rnnUnit) figureText(f []float64) string {
	if len(f) == 0 {
		return ""
	}
	switch s.tr.Params().Task {
	case models.TaskXOR:
		return fmt.Sprintf("error by place %s %s %s", num3(f[0]), num3(f[1]), num3(f[2]))
	case models.TaskLetters:
		return fmt.Sprintf("error at consonants %s, vowels %s", num3(f[0]), num3(f[1]))
	case models.TaskReber:
		return fmt.Sprintf("held-out strings right %.0f%%", 100*f[0])
	}
	return fmt.Sprintf("test MSE %.4f (the mean: 0.167)", f[0])
}

func num3(x float64) string {
	if math.IsNaN(x) {
		return "—"
	}
	return fmt.Sprintf("%.3f", x)
}

func (s *rnnUnit) tabs() []string { return []string{"Theory", "BPTT against RTRL"} }

func (s *rnnUnit) panel(d *drawer, name string, w int) string {
	if name != "BPTT against RTRL" {
		return wrap(rnnTheory, w)
	}
	tr := s.tr
	if tr.Steps == 0 {
		return wrap("take a step: the gradient of its stretch is then computed both ways", w)
	}
	if s.check.step != tr.Steps || !s.check.done {
		q := tr.Seq
		ops := tr.Net.RTRL(q.X, q.D, q.Mask, nil)
		rt := append([]float64(nil), tr.Net.Grad...)
		tr.Net.BPTT(tr.Net.Forward(q.X, nil), q.D, q.Mask)
		var dd, nn float64
		for i, g := range tr.Net.Grad {
			dd += (g - rt[i]) * (g - rt[i])
			nn += g*g + rt[i]*rt[i]
		}
		s.check = rnnCheck{step: tr.Steps, gap: math.Sqrt(dd / math.Max(nn, 1e-300)), bpt: tr.Net.BPTTOps(len(q.X)), rtrl: ops, done: true}
	}
	c := s.check
	return wrap(fmt.Sprintf("The last stretch (%d steps, %d weights), its gradient two ways from a zero start:", len(tr.Seq.X), len(tr.Net.Theta)), w) + "\n\n" +
		table([]string{"", "multiply-adds", "a step"}, [][]string{
			{"BPTT", fmt.Sprint(c.bpt), fmt.Sprint(c.bpt / max(1, len(tr.Seq.X)))},
			{"RTRL", fmt.Sprint(c.rtrl), fmt.Sprint(c.rtrl / max(1, len(tr.Seq.X)))},
		}, w, 4) + "\n\n" +
		wrap(fmt.Sprintf("‖g_BPTT − g_RTRL‖/‖g‖ = %.1e: the same gradient; RTRL pays %.0f× more to have it online, as each step arrives.", c.gap, float64(c.rtrl)/math.Max(1, float64(c.bpt))), w)
}

func (s *rnnUnit) keys() []key.Binding { return nil }
func (s *rnnUnit) key(tea.KeyMsg) bool { return false }

func (s *rnnUnit) layout(d *drawer) layout {
	S := d.S()
	tr := s.tr
	p := tr.Params()
	rows := "input, target, prediction, error, hidden h"
	if p.Model == models.ModelLSTM {
		rows += ", cell c, input, forget and output gates i f o"
	}
	main := box{title: fmt.Sprintf("%s on %s · %d units · the last stretch over time", p.Model, p.Task, p.Hidden), min: 8,
		legend:     S.Dim.Render("rows: "+rows+"; time across") + "  " + S.Bad.Render("red +") + " " + S.Accent.Render("blue −"),
		legendFrom: 12,
		draw: func(w, h int) string {
			return d.throttled("strip", w, h, func() string { return s.drawStrip(d.c, w, h) })
		}}
	grad := d.chart("lag", "‖∂L/∂h_{T−k}‖ against the lag k", s.gradLegend(S), s.drawLags)
	curveLegend := S.Series[0].Render("━ loss") + "  " + S.Series[1].Render("┅ "+s.metricName())
	if s.other != nil {
		curveLegend += "  " + S.Series[2].Render("┈ "+s.other.Params().Model+"'s loss")
	}
	curve := d.chart("curve", "learning curve", curveLegend, s.drawCurve)
	curve.optional = true
	right := []box{grad, curve}
	if t := p.Task; t == models.TaskXOR || t == models.TaskLetters {
		k := s.kindBox(d)
		k.optional = true
		right = append(right, k)
	}
	return layout{main: main, update: s.lastUpdate(d), right: right}
}

// kindBox is the recent error by the target's place in the XOR triple, or
// by the letter to come.
func (s *rnnUnit) kindBox(d *drawer) box {
	xor := s.tr.Params().Task == models.TaskXOR
	title := "error by the letter to come"
	if xor {
		title = "error by place in the triple"
	}
	return box{title: title, min: 2, legend: d.S().Dim.Render(fmt.Sprintf("mean squared error over the last %d steps; chance ¼ for a random bit", models.RNNRecent)),
		draw: func(w, h int) string {
			var head, row []string
			if xor {
				e := s.tr.ErrByLabel(3)
				head = []string{"1st (random)", "2nd (random)", "3rd (XOR)"}
				for _, x := range e {
					row = append(row, num3(x))
				}
			} else {
				e := s.tr.ErrByLabel(len(models.LetterOrder))
				for i, x := range e {
					head = append(head, string(models.LetterOrder[i]))
					row = append(row, num3(x))
				}
			}
			return table(head, [][]string{row}, w, h)
		}}
}

func (s *rnnUnit) metricName() string {
	switch s.tr.Params().Task {
	case models.TaskXOR:
		return "error at the XOR bit"
	case models.TaskLetters:
		return "error at vowels"
	case models.TaskReber:
		return "held-out strings right"
	}
	return "test MSE"
}

func (s *rnnUnit) gradLegend(S Styles) string {
	out := S.Series[0].Render(fmt.Sprintf("━ measured, slope %.3f a step", s.slope))
	if !math.IsNaN(s.radius) && s.tr.Params().Model == models.ModelSRN {
		out += "  " + S.Series[1].Render(fmt.Sprintf("┅ log ρ(J) %.3f a step", s.radius))
	}
	if s.other != nil {
		out += "  " + S.Series[2].Render(fmt.Sprintf("┈ %s beside, slope %.3f", s.other.Params().Model, s.otherSlope))
	}
	return out + "  " + S.Dim.Render(fmt.Sprintf("probe of %d steps, loss at the end", topic.GradientProbe))
}

func (s *rnnUnit) drawLags(p *plot) string {
	p.xName, p.yName = "lag k", ""
	p.intX, p.logY = true, true
	S := p.c.S
	if len(s.gradLags) == 0 {
		return "no probe yet"
	}
	var xs, ys []float64
	lo, hi := math.Inf(1), 0.0
	for k, n := range s.gradLags {
		if n > 1e-300 {
			xs, ys = append(xs, float64(k)), append(ys, n)
			lo, hi = math.Min(lo, n), math.Max(hi, n)
		}
	}
	if len(ys) == 0 {
		return "the gradient underflows within one step"
	}
	lo = math.Max(lo, hi*1e-40)
	ss := []series{{xs: xs, ys: ys, style: S.Series[0]}}
	if !math.IsNaN(s.radius) && s.tr.Params().Model == models.ModelSRN && len(ys) > 5 {
		// the prediction from the spectral radius, through the measured value at lag 5
		var px, py []float64
		for k := 5; k < len(s.gradLags); k++ {
			v := ys[5] * math.Exp(s.radius*float64(k-5))
			if v < lo {
				break
			}
			px, py = append(px, float64(k)), append(py, v)
		}
		ss = append(ss, series{xs: px, ys: py, style: S.Series[1], dash: dashed})
	}
	if s.other != nil {
		var ox, oy []float64
		for k, n := range s.otherLags {
			if n >= lo {
				ox, oy = append(ox, float64(k)), append(oy, n)
			}
		}
		ss = append(ss, series{xs: ox, ys: oy, style: S.Series[2], dash: dotted})
	}
	p.draw([2]float64{0, float64(len(s.gradLags))}, [2]float64{lo / 2, hi * 2}, ss...)
	return ""
}

func (s *rnnUnit) drawCurve(p *plot) string {
	p.xName, p.yName = "sequence", ""
	p.intX = true
	S := p.c.S
	if len(s.loss.xs) == 0 {
		return "run: the loss and the task's figure appear here"
	}
	hi := maxOf(0.01, s.loss.ys, s.metric.ys, s.otherLoss.ys) * 1.05
	p.draw([2]float64{0, math.Max(10, s.loss.last())}, [2]float64{0, hi},
		series{xs: s.loss.xs, ys: s.loss.ys, style: S.Series[0]},
		series{xs: s.otherLoss.xs, ys: s.otherLoss.ys, style: S.Series[2], dash: dotted},
		series{xs: s.metric.xs, ys: s.metric.ys, style: S.Series[1], dash: dashed})
	return ""
}

// drawStrip shows the last stretch over time as shaded rows: inputs,
// targets, predictions, the error, the hidden state (and the LSTM's cell
// and forget gate), time across, sampled to the width.
func (s *rnnUnit) drawStrip(c *Common, w, h int) string {
	tr := s.tr
	if tr.Trace == nil {
		return block(c.S.Dim.Render(wrap("n: one stretch (or sequence) forward, back through time, and an update; its inputs, targets, predictions and hidden state show here", w)), w, h)
	}
	label := 3
	cols := w - label
	T := len(tr.Trace.Y)
	if cols < 4 {
		return block("", w, h)
	}
	// a stretch longer than the box is binned: each column a bin of steps,
	// showing the inputs' and targets' largest value in it (a one-step
	// marker stays visible) and the state at its end
	span := min(T, cols)
	bin := (T + span - 1) / span
	span = (T + bin - 1) / bin
	type group struct {
		name   string
		rows   [][]float64 // each row over the span
		signed bool
	}
	row := func(f func(t int) float64) []float64 { // the state at each bin's end
		r := make([]float64, span)
		for i := range r {
			r[i] = f(min(T-1, (i+1)*bin-1))
		}
		return r
	}
	peak := func(f func(t int) float64) []float64 { // the largest value in each bin
		r := make([]float64, span)
		for i := range r {
			for t := i * bin; t < min(T, (i+1)*bin); t++ {
				if v := f(t); math.Abs(v) > math.Abs(r[i]) {
					r[i] = v
				}
			}
		}
		return r
	}
	var groups []group
	In, Out, H := len(tr.Seq.X[0]), len(tr.Seq.D[0]), tr.Params().Hidden
	var g group
	g = group{name: "x"}
	for j := range In {
		g.rows = append(g.rows, peak(func(t int) float64 { return tr.Seq.X[t][j] }))
	}
	groups = append(groups, g)
	g = group{name: "d"}
	for j := range Out {
		g.rows = append(g.rows, peak(func(t int) float64 {
			if tr.Seq.Mask[t] == 0 {
				return 0
			}
			return tr.Seq.D[t][j]
		}))
	}
	groups = append(groups, g)
	g = group{name: "y"}
	for j := range Out {
		g.rows = append(g.rows, row(func(t int) float64 { return tr.Trace.Y[t][j] }))
	}
	groups = append(groups, g)
	groups = append(groups, group{name: "e", rows: [][]float64{peak(func(t int) float64 {
		if tr.Seq.Mask[t] == 0 {
			return 0
		}
		e := 0.0
		for j := range Out {
			d := tr.Trace.Y[t][j] - tr.Seq.D[t][j]
			e += d * d
		}
		return math.Min(1, 4*e/float64(Out))
	})}})
	g = group{name: "h", signed: true}
	for k := range H {
		g.rows = append(g.rows, row(func(t int) float64 { return tr.Trace.H[t+1][k] }))
	}
	groups = append(groups, g)
	if tr.Params().Model == models.ModelLSTM {
		g = group{name: "c", signed: true}
		for k := range H {
			g.rows = append(g.rows, row(func(t int) float64 { return math.Tanh(tr.Trace.C[t+1][k]) }))
		}
		groups = append(groups, g)
		for gi, name := range []string{"i", "f", "o"} {
			g = group{name: name}
			for k := range H {
				g.rows = append(g.rows, row(func(t int) float64 { return tr.Trace.Gates[t][gi*H+k] }))
			}
			groups = append(groups, g)
		}
	}
	// each group is a picture two rows a line; keep as many rows of each
	// as fit, the hidden ones first to give way
	budget := 2 * h
	var lines []string
	for _, gr := range groups {
		n := len(gr.rows)
		lines2 := (n + 1) / 2
		if lines2 > budget/2-1 && gr.name != "x" && gr.name != "d" && gr.name != "y" && gr.name != "e" {
			n = max(2, 2*(budget/2-1))
			if n > len(gr.rows) {
				n = len(gr.rows)
			}
		}
		if (n+1)/2 > budget/2 {
			break
		}
		pix := make([]float64, 0, n*span)
		for _, r := range gr.rows[:n] {
			pix = append(pix, r...)
		}
		if !gr.signed {
			pix = append(pix, 1) // pins the scale at 1
		} else {
			pix = append(pix, 1)
		}
		pic := c.shades(pix, span, n, gr.signed, h)
		for i, l := range pic {
			name := ""
			if i == 0 {
				name = gr.name
			}
			lines = append(lines, fmt.Sprintf("%-*s", label, name)+l)
		}
		budget -= 2 * len(pic)
	}
	return block(strings.Join(lines, "\n"), w, h)
}

func (s *rnnUnit) lastUpdate(d *drawer) string {
	S := d.S()
	tr := s.tr
	if tr.Steps == 0 {
		return S.Dim.Render(fmt.Sprintf("n: one %s forward, BPTT back through it, one Adam step (rate %s, gradient clipped at %s)",
			map[bool]string{true: "stretch of the stream", false: "sequence"}[tr.Task.Stream()], num(tr.Params().Rate), num(tr.Params().Clip)))
	}
	return fmt.Sprintf("sequence %d: %d steps, loss %.4g", tr.Steps, len(tr.Seq.X), tr.Loss) + "\n" +
		S.Accent.Render(fmt.Sprintf("‖∇‖ = %.3g (clipped at %s), largest weight change %.2e", tr.GradNorm, num(tr.Params().Clip), tr.Move)) + "\n" +
		S.Dim.Render(s.figureText(s.current(d)))
}

// current is the task's figures for a view: those of the last measurement
// while running, measured afresh otherwise.
func (s *rnnUnit) current(d *drawer) []float64 {
	if d.live && s.fig != nil {
		return s.fig
	}
	return s.figures()
}
