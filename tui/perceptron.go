package tui

import (
	"fmt"
	"math"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// The perceptron topic has two units: training, the rule stepping through
// a 2-D data set with its decision line and mistakes against Novikoff's
// bound; and Cover's capacity experiment.

func newPerceptron(exp string) unit {
	if exp == topic.ExpCover {
		return &cover{}
	}
	return &perceptron{}
}

// perceptronTheory is the side panel both units share.
type perceptronPanel struct{}

func (perceptronPanel) tabs() []string      { return []string{"Theory"} }
func (perceptronPanel) keys() []key.Binding { return nil }
func (perceptronPanel) key(tea.KeyMsg) bool { return false }
func (perceptronPanel) panel(_ *drawer, _ string, w int) string {
	return wrap(perceptronTheory, w)
}

// perceptron is the rule at work on one data set.
type perceptron struct {
	perceptronPanel
	pc     *models.Perceptron
	mTrace trace // mistakes against samples seen
	aTrace trace // training accuracy against samples seen
}

func (s *perceptron) reset(v topic.Values, seed uint64) error {
	pc, err := models.NewPerceptron(topic.PerceptronParams(v), seed)
	if err != nil {
		return err
	}
	s.pc = pc
	s.mTrace.reset()
	s.aTrace.reset()
	s.record()
	return nil
}

func (s *perceptron) record() {
	s.mTrace.add(float64(s.pc.Seen), float64(s.pc.Mistakes))
	s.aTrace.add(float64(s.pc.Seen), s.pc.Accuracy())
}

func (s *perceptron) step() { s.pc.Step(); s.record() }

func (s *perceptron) status() string {
	pc := s.pc
	out := fmt.Sprintf("seen %d · epoch %d · mistakes %d", pc.Seen, pc.Epoch+1, pc.Mistakes)
	if b := pc.Bound(); !math.IsNaN(b) {
		out += fmt.Sprintf(" ≤ (R/γ)² = %.0f", b)
	}
	return out + fmt.Sprintf(" · accuracy %.3f", pc.Accuracy())
}

func (s *perceptron) layout(d *drawer) layout {
	pc, S := s.pc, d.S()
	legend := S.Series[0].Render("+ y=+1") + "  " + S.Series[1].Render("o y=−1") + "  " +
		S.Warn.Render("◉ presented") + "  " + S.Accent.Render("━ w·x+b=0")
	if pc.Params().Data == models.XOR {
		legend += "  " + S.Warn.Render("XOR: no line separates the classes, so the line never settles (Minsky and Papert 1969)")
	} else if pc.Converged() {
		legend += "  " + S.Good.Render(fmt.Sprintf("converged: every point right after %d mistakes", pc.Mistakes))
	}
	bound := "no bound: not separable"
	if b := pc.Bound(); !math.IsNaN(b) {
		bound = fmt.Sprintf("━ Novikoff (R/γ)² = %.0f (R %.2f, γ %.3f)", b, pc.R, pc.Gamma)
	}
	main := d.chart("data", fmt.Sprintf("%s data, %d points", pc.Params().Data, len(pc.X)), legend, s.drawData)
	return layout{
		main:   main,
		update: s.lastUpdate(d),
		right: []box{
			d.chart("mistakes", "mistakes against samples seen", S.Series[0].Render("━ mistakes")+"  "+S.Series[1].Render(bound), s.drawMistakes),
			d.chart("accuracy", "training accuracy against samples seen", S.Series[0].Render(fmt.Sprintf("━ accuracy %.3f", pc.Accuracy())), s.drawAccuracy),
		},
	}
}

// drawData draws the points by class, the presented one picked out, and
// the decision line.
func (s *perceptron) drawData(p *plot) string {
	p.xName, p.yName = "x₁", "x₂"
	pc, S := s.pc, p.c.S
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
		ss = append(ss, series{xs: lx, ys: ly, style: S.Accent})
	}
	ss = append(ss,
		series{xs: px, ys: py, style: S.Series[0], glyph: '+'},
		series{xs: nx, ys: ny, style: S.Series[1], glyph: 'o'})
	if pc.Seen > 0 {
		x := pc.Last.X
		ss = append(ss, series{xs: []float64{x[0]}, ys: []float64{x[1]}, style: S.Warn, glyph: '◉'})
	}
	p.draw([2]float64{-lim, lim}, [2]float64{-lim, lim}, ss...)
	return ""
}

func (s *perceptron) drawMistakes(p *plot) string {
	p.xName, p.yName = "samples", "mistakes"
	p.intX, p.intY = true, true // samples and mistakes
	pc, S := s.pc, p.c.S
	xmax := math.Max(10, float64(pc.Seen))
	ms := []series{{xs: s.mTrace.xs, ys: s.mTrace.ys, style: S.Series[0]}}
	ymax := math.Max(5, float64(pc.Mistakes)*1.2)
	if b := pc.Bound(); !math.IsNaN(b) {
		ms = append(ms, hline(0, xmax, b, S.Series[1], dashed))
		ymax = math.Max(ymax, b*1.1)
	}
	p.draw([2]float64{0, xmax}, [2]float64{0, ymax}, ms...)
	return ""
}

func (s *perceptron) drawAccuracy(p *plot) string {
	p.xName, p.yName = "samples", "accuracy"
	xmax := math.Max(10, float64(s.pc.Seen))
	p.draw([2]float64{0, xmax}, [2]float64{0, 1.05},
		hline(0, xmax, 1, p.c.S.Dim, dotted),
		series{xs: s.aTrace.xs, ys: s.aTrace.ys, style: p.c.S.Series[0]})
	return ""
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

// lastUpdate shows the rule just applied with its numbers.
func (s *perceptron) lastUpdate(d *drawer) string {
	pc, S := s.pc, d.S()
	if pc.Seen == 0 {
		return S.Dim.Render("press n to present one sample and see the perceptron rule with its numbers")
	}
	l := pc.Last
	eta := pc.Params().Eta
	head := fmt.Sprintf("#%d x=(%.2f, %.2f) y=%+.0f: y(w·x+b) = %+.3f", l.Index, l.X[0], l.X[1], l.Y, l.Y*l.Activation)
	if l.Mistake {
		rule := fmt.Sprintf("w ← w + ηyx = (%.2f, %.2f) %+.2f·(%.2f, %.2f) = (%.2f, %.2f); b ← %.2f",
			l.W0[0], l.W0[1], eta*l.Y, l.X[0], l.X[1], l.W[0], l.W[1], l.B)
		return S.Warn.Render(head + " ≤ 0: mistake\n" + rule)
	}
	rule := fmt.Sprintf("no change: w = (%.2f, %.2f), b = %.2f", l.W[0], l.W[1], l.B)
	return S.Good.Render(head+" > 0: right") + "\n" + S.Dim.Render(rule)
}

// cover is Cover's capacity experiment: random labellings of P points in
// N dimensions, how many are separable, against Cover's count.
type cover struct {
	perceptronPanel
	cv *models.Cover
}

func (s *cover) reset(v topic.Values, seed uint64) error {
	cv, err := models.NewCover(topic.CoverParams(v), seed)
	if err != nil {
		return err
	}
	s.cv = cv
	return nil
}

func (s *cover) step() { s.cv.Step() }

func (s *cover) tries() int { return sum(s.cv.Trials) }

func (s *cover) status() string {
	return fmt.Sprintf("%d random labellings tried at N = %d", s.tries(), s.cv.Params().N)
}

func (s *cover) layout(d *drawer) layout {
	cv, S := s.cv, d.S()
	N := cv.Params().N
	legend := S.Series[1].Render("┅ Cover C(P,N)/2^P") + "  " + S.Series[0].Render("● separable (LP)") + "  " +
		S.Series[2].Render(fmt.Sprintf("p perceptron ≤ %d epochs", cv.Params().MaxEpochs)) + "  " +
		S.Dim.Render("the drop sits at P/N = 2: capacity 2N")
	return layout{
		main:   d.chart("cover", fmt.Sprintf("separable fraction · N = %d", N), legend, s.drawCurve),
		update: s.lastUpdate(d),
		right: []box{
			{title: "measured against Cover (1965)", min: len(models.CoverLoads) + 1, draw: s.table},
			textBox("the experiment", "Each step draws P Gaussian points in N dimensions with random ±1 labels. "+
				"A linear program decides exactly whether a hyperplane through the origin separates them; "+
				"on the separable ones the perceptron runs until an epoch without mistakes or the epoch cap. "+
				"Near P = 2N the margin vanishes and the perceptron's time to converge diverges, "+
				"so its fraction falls below Cover's curve there while the exact fraction follows it."),
		},
	}
}

func (s *cover) drawCurve(p *plot) string {
	p.xName, p.yName = "P/N", "separable"
	cv, S := s.cv, p.c.S
	N := cv.Params().N
	var tx, ty []float64
	for P := 0; P <= int(4.2*float64(N)); P++ {
		tx, ty = append(tx, float64(P)/float64(N)), append(ty, models.CoverFraction(P, N))
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
	p.draw([2]float64{0, 4.2}, [2]float64{0, 1.05},
		series{xs: []float64{2, 2}, ys: []float64{0, 1.05}, style: S.Dim, dash: dotted},
		series{xs: tx, ys: ty, style: S.Series[1], dash: dashed},
		series{xs: qx, ys: qy, style: S.Series[2], glyph: 'p'},
		series{xs: ex, ys: ey, style: S.Series[0], glyph: '●'})
	return ""
}

func (s *cover) table(w, h int) string {
	cv := s.cv
	N := cv.Params().N
	var rows [][]string
	for i := range models.CoverLoads {
		P := cv.P(i)
		row := []string{fmt.Sprintf("%.2f", float64(P)/float64(N)), fmt.Sprint(P), fmt.Sprint(cv.Trials[i]), "–", "–",
			fmt.Sprintf("%.3f", models.CoverFraction(P, N))}
		if cv.Trials[i] > 0 {
			f, se := cv.Fraction(i)
			q, _ := cv.PerceptronFraction(i)
			row[3], row[4] = fmt.Sprintf("%.3f±%.3f", f, se), fmt.Sprintf("%.3f", q)
		}
		rows = append(rows, row)
	}
	return table([]string{"P/N", "P", "tries", "separable", "perc.", "Cover"}, rows, w, h)
}

func (s *cover) lastUpdate(d *drawer) string {
	cv, S := s.cv, d.S()
	if s.tries() == 0 {
		return S.Dim.Render("press n for one random labelling, space to run many")
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
	return S.Accent.Render(out)
}

const perceptronTheory = `The perceptron (Rosenblatt 1958): predict sign(w·x + b); on a mistake, y(w·x+b) ≤ 0, set w ← w + ηyx and b ← b + ηy.
Novikoff (1962): if some unit (w*, b*) gives every point y(w*·x + b*) ≥ γ and |(x, 1)| ≤ R, the perceptron makes at most (R/γ)² mistakes, whatever η. Try a smaller margin.
XOR: no line separates it, so the mistakes never stop (Minsky and Papert 1969).
Cover (1965): of the 2^P labellings of P points in general position in N dimensions, C(P,N) = 2 Σ_{k<N} binom(P−1,k) are linearly separable: all up to P = N, half at P = 2N. Set experiment to cover.`
