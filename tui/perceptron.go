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

// perceptron is the perceptron screen: the rule stepping through a 2-D
// data set with its decision line, mistakes against Novikoff's bound, and
// Cover's capacity experiment.
type perceptron struct {
	c        *Common
	l        columns
	exp      string
	pc       *models.Perceptron
	cover    *models.Cover
	data     plot // the points and the line (train) or the capacity curve (cover)
	mistakes plot
	acc      plot
	mTrace   trace
	aTrace   trace
}

func newPerceptronScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &perceptron{c: c}
	s.data.c, s.mistakes.c, s.acc.c = c, c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 0)
}

func (s *perceptron) reset(v topic.Values, seed uint64) error {
	exp := v.Choice("experiment")
	if exp == topic.ExpCover {
		cv, err := models.NewCover(topic.CoverParams(v), seed)
		if err != nil {
			return err
		}
		s.exp, s.cover, s.pc = exp, cv, nil
		return nil
	}
	pc, err := models.NewPerceptron(topic.PerceptronParams(v), seed)
	if err != nil {
		return err
	}
	s.exp, s.pc, s.cover = exp, pc, nil
	s.mTrace.reset()
	s.aTrace.reset()
	s.record()
	return nil
}

func (s *perceptron) record() {
	s.mTrace.add(float64(s.pc.Seen), float64(s.pc.Mistakes))
	s.aTrace.add(float64(s.pc.Seen), s.pc.Accuracy())
}

func (s *perceptron) step() {
	if s.cover != nil {
		s.cover.Step()
		return
	}
	s.pc.Step()
	s.record()
}

func (s *perceptron) setSize(w, h int) {
	s.l = columns{w, h}
	s.data.setSize(s.l.leftW()-2, s.l.mainH()-3)
	s.mistakes.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.acc.setSize(s.l.rightW()-2, s.l.rightH(1, 2)-3)
}

func (s *perceptron) panelSize() (int, int) { return s.l.panelSize() }
func (s *perceptron) tabs() []string        { return []string{"Theory"} }
func (s *perceptron) keys() []key.Binding   { return nil }
func (s *perceptron) key(tea.KeyMsg) bool   { return false }

func (s *perceptron) status() string {
	if s.cover != nil {
		n := 0
		for _, t := range s.cover.Trials {
			n += t
		}
		return fmt.Sprintf("%d random labellings tried at N = %d", n, s.cover.Params().N)
	}
	pc := s.pc
	out := fmt.Sprintf("seen %d · epoch %d · mistakes %d", pc.Seen, pc.Epoch+1, pc.Mistakes)
	if b := pc.Bound(); !math.IsNaN(b) {
		out += fmt.Sprintf(" ≤ (R/γ)² = %.0f", b)
	}
	return out + fmt.Sprintf(" · accuracy %.3f", pc.Accuracy())
}

func (s *perceptron) redraw(v topic.Values, live bool) {
	if s.l.w == 0 {
		return
	}
	if s.cover != nil {
		s.drawCover()
		return
	}
	pc := s.pc
	// the points by class, the presented one picked out, the decision line
	var px, py, nx, ny []float64
	for i, x := range pc.X {
		if pc.Y[i] > 0 {
			px, py = append(px, x[0]), append(py, x[1])
		} else {
			nx, ny = append(nx, x[0]), append(ny, x[1])
		}
	}
	const lim = 1.3
	ss := []series{}
	if lx, ly := lineThrough(pc.W, pc.B, lim); lx != nil {
		ss = append(ss, series{xs: lx, ys: ly, style: s.c.S.Accent})
	}
	ss = append(ss,
		series{xs: px, ys: py, style: s.c.S.Series[0], glyph: '+'},
		series{xs: nx, ys: ny, style: s.c.S.Series[1], glyph: 'o'})
	if pc.Seen > 0 {
		x := pc.Last.X
		ss = append(ss, series{xs: []float64{x[0]}, ys: []float64{x[1]}, style: s.c.S.Warn, glyph: '◉'})
	}
	s.data.draw([2]float64{-lim, lim}, [2]float64{-lim, lim}, ss...)

	xmax := math.Max(10, float64(pc.Seen))
	ms := []series{{xs: s.mTrace.xs, ys: s.mTrace.ys, style: s.c.S.Series[0]}}
	ymax := math.Max(5, float64(pc.Mistakes)*1.2)
	if b := pc.Bound(); !math.IsNaN(b) {
		ms = append(ms, series{xs: []float64{0, xmax}, ys: []float64{b, b}, style: s.c.S.Series[1]})
		ymax = math.Max(ymax, b*1.1)
	}
	s.mistakes.draw([2]float64{0, xmax}, [2]float64{0, ymax}, ms...)
	s.acc.draw([2]float64{0, xmax}, [2]float64{0, 1.05},
		series{xs: []float64{0, xmax}, ys: []float64{1, 1}, style: s.c.S.Dim},
		series{xs: s.aTrace.xs, ys: s.aTrace.ys, style: s.c.S.Series[0]})
}

// lineThrough returns the segment of w·x + b = 0 inside the square ±lim,
// or nil when w = 0 (no line yet).
func lineThrough(w [2]float64, b, lim float64) ([]float64, []float64) {
	if w[0] == 0 && w[1] == 0 {
		return nil, nil
	}
	if math.Abs(w[1]) >= math.Abs(w[0]) { // x₂ = −(w₁x₁ + b)/w₂
		return []float64{-lim, lim}, []float64{(w[0]*lim - b) / w[1], (-w[0]*lim - b) / w[1]}
	}
	return []float64{(w[1]*lim - b) / w[0], (-w[1]*lim - b) / w[0]}, []float64{-lim, lim}
}

func (s *perceptron) drawCover() {
	cv := s.cover
	N := cv.Params().N
	var tx, ty []float64
	for p := 0; p <= int(4.2*float64(N)); p++ {
		tx, ty = append(tx, float64(p)/float64(N)), append(ty, models.CoverFraction(p, N))
	}
	var ex, ey, qx, qy []float64
	for i := range models.CoverLoads {
		if cv.Trials[i] == 0 {
			continue
		}
		f, _ := cv.Fraction(i)
		q, _ := cv.PerceptronFraction(i)
		x := float64(cv.P(i)) / float64(N)
		ex, ey = append(ex, x), append(ey, f)
		qx, qy = append(qx, x), append(qy, q)
	}
	s.data.draw([2]float64{0, 4.2}, [2]float64{0, 1.05},
		series{xs: []float64{2, 2}, ys: []float64{0, 1.05}, style: s.c.S.Dim},
		series{xs: tx, ys: ty, style: s.c.S.Series[1]},
		series{xs: qx, ys: qy, style: s.c.S.Series[2], glyph: 'p'},
		series{xs: ex, ys: ey, style: s.c.S.Series[0], glyph: '●'})
}

func (s *perceptron) body(panel func(h int) string) string {
	l := s.l
	if s.cover != nil {
		return s.coverBody(panel)
	}
	pc := s.pc
	legend := s.c.S.Series[0].Render("+ y=+1") + "  " + s.c.S.Series[1].Render("o y=−1") + "  " +
		s.c.S.Warn.Render("◉ presented") + "  " + s.c.S.Accent.Render("━ w·x+b=0")
	note := ""
	if pc.Params().Data == models.XOR {
		note = s.c.S.Warn.Render("XOR: no line separates the classes, so the line never settles (Minsky and Papert 1969)")
	} else if pc.Converged() {
		note = s.c.S.Good.Render(fmt.Sprintf("converged: every point right after %d mistakes", pc.Mistakes))
	}
	main := s.c.box(fmt.Sprintf("%s data, %d points", pc.Params().Data, len(pc.X)),
		s.data.view()+"\n"+legend+"\n"+note, l.leftW(), l.mainH(), false)
	bound := "no bound: not separable"
	if b := pc.Bound(); !math.IsNaN(b) {
		bound = fmt.Sprintf("━ Novikoff (R/γ)² = %.0f (R %.2f, γ %.3f)", b, pc.R, pc.Gamma)
	}
	mist := s.c.chartBox("mistakes against samples seen", &s.mistakes,
		s.c.S.Series[0].Render("━ mistakes")+"  "+s.c.S.Series[1].Render(bound), l.rightW(), l.rightH(0, 2))
	acc := s.c.chartBox("training accuracy against samples seen", &s.acc,
		s.c.S.Series[0].Render(fmt.Sprintf("━ accuracy %.3f", pc.Accuracy())), l.rightW(), l.rightH(1, 2))
	return l.compose(main, s.lastUpdate(l.leftW()-1), panel, mist, acc)
}

// lastUpdate shows the rule just applied with its numbers.
func (s *perceptron) lastUpdate(w int) string {
	pc := s.pc
	if pc.Seen == 0 {
		return s.c.S.Dim.Render(wrap("press n to present one sample and see the perceptron rule with its numbers", w))
	}
	l := pc.Last
	eta := pc.Params().Eta
	head := fmt.Sprintf("#%d x=(%.2f, %.2f) y=%+.0f: y(w·x+b) = %+.3f", l.Index, l.X[0], l.X[1], l.Y, l.Y*l.Activation)
	var rule string
	if l.Mistake {
		head += " ≤ 0: mistake"
		rule = fmt.Sprintf("w ← w + ηyx = (%.2f, %.2f) %+.2f·(%.2f, %.2f) = (%.2f, %.2f); b ← %.2f",
			l.W0[0], l.W0[1], eta*l.Y, l.X[0], l.X[1], l.W[0], l.W[1], l.B)
		return s.c.S.Warn.Render(wrap(head, w)) + "\n" + s.c.S.Warn.Render(wrap(rule, w))
	}
	head += " > 0: right"
	rule = fmt.Sprintf("no change: w = (%.2f, %.2f), b = %.2f", l.W[0], l.W[1], l.B)
	return s.c.S.Good.Render(wrap(head, w)) + "\n" + s.c.S.Dim.Render(wrap(rule, w))
}

func (s *perceptron) coverBody(panel func(h int) string) string {
	l, cv := s.l, s.cover
	N := cv.Params().N
	legend := s.c.S.Series[1].Render("━ Cover C(P,N)/2^P") + "  " + s.c.S.Series[0].Render("● separable (LP)") + "  " +
		s.c.S.Series[2].Render(fmt.Sprintf("p perceptron ≤ %d epochs", cv.Params().MaxEpochs))
	main := s.c.box(fmt.Sprintf("separable fraction against P/N, N = %d", N), s.data.view()+"\n"+legend+"\n"+
		s.c.S.Dim.Render("the drop sits at P/N = 2: capacity 2N"), l.leftW(), l.mainH(), false)
	var rows []string
	rows = append(rows, fmt.Sprintf("%4s %3s %5s %11s %5s %5s", "P/N", "P", "tries", "separable", "perc.", "Cover"))
	for i := range models.CoverLoads {
		f, se := cv.Fraction(i)
		q, _ := cv.PerceptronFraction(i)
		P := cv.P(i)
		if cv.Trials[i] == 0 {
			rows = append(rows, fmt.Sprintf("%4.2f %3d %5d %11s %5s %5.3f", float64(P)/float64(N), P, 0, "–", "–", models.CoverFraction(P, N)))
			continue
		}
		rows = append(rows, fmt.Sprintf("%4.2f %3d %5d %5.3f±%.3f %5.3f %5.3f", float64(P)/float64(N), P, cv.Trials[i], f, se, q, models.CoverFraction(P, N)))
	}
	table := s.c.box("measured against Cover (1965)", strings.Join(rows, "\n"), l.rightW(), l.rightH(0, 2), false)
	about := s.c.box("the experiment", wrap("Each step draws P Gaussian points in N dimensions with random ±1 labels. "+
		"A linear program decides exactly whether a hyperplane through the origin separates them; "+
		"on the separable ones the perceptron runs until an epoch without mistakes or the epoch cap. "+
		"Near P = 2N the margin vanishes and the perceptron's time to converge diverges, "+
		"so its fraction falls below Cover's curve there while the exact fraction follows it.", l.rightW()-2),
		l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.coverUpdate(l.leftW()-1), panel, table, about)
}

func (s *perceptron) coverUpdate(w int) string {
	cv := s.cover
	n := 0
	for _, t := range cv.Trials {
		n += t
	}
	if n == 0 {
		return s.c.S.Dim.Render(wrap("press n for one random labelling, space to run many", w))
	}
	P := cv.P(cv.LastLoad)
	out := fmt.Sprintf("last: P = %d points, N = %d: ", P, cv.Params().N)
	switch {
	case !cv.LastSeparable:
		out += "not separable (the LP is infeasible)"
	case cv.LastConverged:
		out += fmt.Sprintf("separable; perceptron converged in %d epochs", cv.LastEpochs)
	default:
		out += fmt.Sprintf("separable, but the perceptron gave up after %d epochs", cv.LastEpochs)
	}
	return s.c.S.Accent.Render(wrap(out, w))
}

func (s *perceptron) panel(name string, v topic.Values, w, h int) string {
	return wrap(`The perceptron (Rosenblatt 1958): predict sign(w·x + b); on a mistake, y(w·x+b) ≤ 0, set w ← w + ηyx and b ← b + ηy.
Novikoff (1962): if some unit (w*, b*) gives every point y(w*·x + b*) ≥ γ and |(x, 1)| ≤ R, the perceptron makes at most (R/γ)² mistakes, whatever η. Try a smaller margin.
XOR: no line separates it, so the mistakes never stop (Minsky and Papert 1969).
Cover (1965): of the 2^P labellings of P points in general position in N dimensions, C(P,N) = 2 Σ_{k<N} binom(P−1,k) are linearly separable: all up to P = N, half at P = 2N. Set experiment to cover.`, w)
}
