package tui

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// backprop is the MNIST screen: a multilayer perceptron trained one
// mini-batch per step, its accuracy and loss curves, a test digit with the
// network's outputs, the confusion matrix, first-layer weights and a
// gradient check.
type backprop struct {
	c       *Common
	l       columns
	data    *models.MNIST
	tr      *models.Trainer
	err     string
	curves  plot
	lower   plot
	view    int // 0 loss, 1 confusion, 2 weights
	digit   int // index into the test set
	valAcc  trace
	testAcc trace
	// accuracy on the whole validation and test sets at the end of each epoch
	epochX, epochVal, epochTest []float64
	loss                        trace
	lossEMA                     float64
	// a fixed subset for checkpoints between epochs
	valSub, testSub models.Digits
	eta             time.Duration // to the end of the epoch, measured while running (0: not known)
	rateT0          time.Time     // start of the window the training rate is measured over
	rateB0          int
	confusion       [10][10]int
	confAt          int // batches when the confusion matrix was computed (−1: never)
	check           models.GradCheckResult
}

// checkpointEvery is how often (in mini-batches) the accuracy on the fixed
// 1,000-digit subsets is recorded; every epoch uses the whole sets.
const checkpointEvery = 250

var (
	nextDigitKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "next digit"))
	mistakeKey   = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "next mistake"))
)

func newBackpropScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &backprop{c: c}
	s.curves.c, s.lower.c = c, c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 3)
}

func (s *backprop) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	tr, err := models.NewTrainer(topic.MLPParams(v), data, seed)
	if err != nil {
		return err
	}
	s.data, s.tr = data, tr
	s.valSub, s.testSub = data.Val.Slice(0, 1000), data.Test.Slice(0, 1000)
	s.valAcc.reset()
	s.testAcc.reset()
	s.epochX, s.epochVal, s.epochTest = nil, nil, nil
	s.loss.reset()
	s.lossEMA = math.NaN()
	s.confAt = -1
	s.checkpoint()
	s.check = models.SmallGradCheck(topic.MLPParams(v), seed)
	return nil
}

func (s *backprop) checkpoint() {
	n := float64(s.tr.Samples())
	s.valAcc.add(n, s.tr.Net.Accuracy(s.valSub))
	s.testAcc.add(n, s.tr.Net.Accuracy(s.testSub))
}

func (s *backprop) finished(v topic.Values) (bool, string) {
	n := v.Int("epochs")
	return s.tr.Epoch >= n, fmt.Sprintf("%d epoch(s) trained", n)
}

func (s *backprop) step() {
	epochDone := s.tr.Step()
	if math.IsNaN(s.lossEMA) {
		s.lossEMA = s.tr.LastLoss
	} else {
		s.lossEMA = 0.98*s.lossEMA + 0.02*s.tr.LastLoss
	}
	if s.tr.Batches%25 == 0 {
		s.loss.add(float64(s.tr.Samples()), s.lossEMA)
	}
	if epochDone || s.tr.Batches%checkpointEvery == 0 {
		s.checkpoint()
	}
	if epochDone {
		s.epochX = append(s.epochX, float64(s.tr.Samples()))
		s.epochVal = append(s.epochVal, s.tr.Net.Accuracy(s.data.Val))
		s.epochTest = append(s.epochTest, s.tr.Net.Accuracy(s.data.Test))
	}
}

// measureRate estimates the time to the end of the epoch from the wall
// clock over the last few seconds of running; stepping by hand clears it.
func (s *backprop) measureRate(live bool) {
	now := time.Now()
	if !live {
		s.eta, s.rateT0 = 0, time.Time{}
		return
	}
	if s.rateT0.IsZero() || now.Sub(s.rateT0) > 10*time.Second {
		s.rateT0, s.rateB0 = now, s.tr.Batches
		return
	}
	if el, done := now.Sub(s.rateT0), s.tr.Batches-s.rateB0; el > time.Second && done > 0 {
		per := s.tr.BatchesPerEpoch()
		left := per - s.tr.Batches%per
		s.eta = time.Duration(float64(el) * float64(left) / float64(done))
	}
}

func (s *backprop) setSize(w, h int) {
	s.l = columns{w, h}
	s.curves.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
	s.lower.setSize(s.l.rightW()-2, s.l.rightH(1, 2)-3)
}

func (s *backprop) panelSize() (int, int) { return s.l.panelSize() }
func (s *backprop) tabs() []string        { return []string{"Gradient check", "Theory"} }

func (s *backprop) keys() []key.Binding { return []key.Binding{nextDigitKey, mistakeKey, viewKey} }

func (s *backprop) key(msg tea.KeyMsg) bool {
	n := s.data.Test.Len()
	switch {
	case key.Matches(msg, nextDigitKey):
		s.digit = (s.digit + 1) % n
	case key.Matches(msg, mistakeKey):
		for k := 1; k <= n; k++ {
			i := (s.digit + k) % n
			if s.tr.Net.Classify(s.data.Test.Image(i)) != int(s.data.Test.Labels[i]) {
				s.digit = i
				break
			}
		}
	case key.Matches(msg, viewKey):
		s.view = (s.view + 1) % 3
	default:
		return false
	}
	return true
}

func (s *backprop) status() string {
	tr := s.tr
	per := tr.BatchesPerEpoch()
	done := tr.Batches % per
	out := fmt.Sprintf("epoch %d, batch %d/%d", tr.Epoch+1, done, per)
	if s.eta > 0 {
		out += fmt.Sprintf(" · epoch ends in %s", s.eta.Round(time.Second))
	}
	return out
}

func (s *backprop) redraw(v topic.Values, live bool) {
	if s.l.w == 0 || s.tr == nil {
		return
	}
	s.measureRate(live)
	xmax := math.Max(float64(s.data.Train.Len()), float64(s.tr.Samples()))
	lo := 1.0
	for _, a := range append(append([]float64{}, s.valAcc.ys...), s.testAcc.ys...) {
		lo = math.Min(lo, a)
	}
	lo = math.Max(0, math.Floor(lo*10)/10)
	s.curves.draw([2]float64{0, xmax}, [2]float64{lo, 1},
		series{xs: s.valAcc.xs, ys: s.valAcc.ys, style: s.c.S.Series[1]},
		series{xs: s.testAcc.xs, ys: s.testAcc.ys, style: s.c.S.Series[0]},
		series{xs: s.epochX, ys: s.epochVal, style: s.c.S.Series[1], glyph: '◆'},
		series{xs: s.epochX, ys: s.epochTest, style: s.c.S.Series[0], glyph: '●'})
	switch s.view {
	case 0:
		hi := 0.0
		for _, y := range s.loss.ys {
			hi = math.Max(hi, y)
		}
		if len(s.loss.xs) < 2 || !(hi > 0) {
			s.lower.clear()
			return
		}
		s.lower.draw([2]float64{0, xmax}, [2]float64{0, hi * 1.1},
			series{xs: s.loss.xs, ys: s.loss.ys, style: s.c.S.Series[2]})
	case 1:
		// the whole test set: recomputed when the net changed, at most
		// every couple of seconds' worth of batches while running
		if s.confAt < 0 || s.tr.Batches != s.confAt && (!live || s.tr.Batches-s.confAt >= 500) {
			s.confusion = s.tr.Net.Confusion(s.data.Test)
			s.confAt = s.tr.Batches
		}
	}
}

func (s *backprop) body(panel func(h int) string) string {
	l := s.l
	main := s.c.box(fmt.Sprintf("test digit %d of %d (d next, m next mistake)", s.digit+1, s.data.Test.Len()),
		s.digitView(l.leftW()-2, l.mainH()-2), l.leftW(), l.mainH(), false)
	va, ta := last(s.valAcc.ys), last(s.testAcc.ys)
	full := "  ◆● whole sets at each epoch's end"
	if len(s.epochX) > 0 {
		full = fmt.Sprintf("  epoch %d: val %.4f, test %.4f", len(s.epochX), last(s.epochVal), last(s.epochTest))
	}
	curves := s.c.chartBox("accuracy against samples seen (lines: 1,000-digit subsets)", &s.curves,
		s.c.S.Series[1].Render(fmt.Sprintf("━ val %.3f", va))+"  "+s.c.S.Series[0].Render(fmt.Sprintf("━ test %.3f", ta))+
			s.c.S.Dim.Render(full), l.rightW(), l.rightH(0, 2))
	var title, content string
	switch s.view {
	case 0:
		title = "training loss (running mean)"
		content = s.lower.view() + "\n" + s.c.S.Series[2].Render(fmt.Sprintf("━ loss %.4f", s.lossEMA))
		if s.lower.out == "" {
			content = "\n  " + s.c.S.Dim.Render("train a few batches to see the loss")
		}
	case 1:
		title = "confusion on the 10,000 test digits (rows true, columns predicted)"
		content = s.confusionView(l.rightW() - 2)
	default:
		title = "first-layer weights of hidden units 1–4 (dots: w > 0)"
		content = s.weightsView(l.rightW() - 2)
	}
	lower := s.c.box(title+" (v: next)", content, l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.lastUpdate(l.leftW()-1), panel, curves, lower)
}

func last(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	return v[len(v)-1]
}

// digitView draws the digit (half blocks, or braille if short of room) and
// the ten outputs as bars.
func (s *backprop) digitView(w, h int) string {
	img := s.data.Test.Image(s.digit)
	label := int(s.data.Test.Labels[s.digit])
	out := append([]float64(nil), s.tr.Net.Predict(img)...)
	pred := 0
	for j := range out {
		if out[j] > out[pred] {
			pred = j
		}
	}
	picLines := s.c.picture(pixels(img), 0.5, h-1)
	var bars []string
	barW := max(4, min(30, w-ansi.StringWidth(picLines[0])-18))
	for j, v := range out {
		n := int(math.Round(math.Max(0, math.Min(1, v)) * float64(barW)))
		line := fmt.Sprintf("%d %s %.3f", j, strings.Repeat("█", n)+strings.Repeat("·", barW-n), v)
		switch {
		case j == label && j == pred:
			line = s.c.S.Good.Render(line + " ✓")
		case j == pred:
			line = s.c.S.Bad.Render(line + " ✗")
		case j == label:
			line = s.c.S.Accent.Render(line + " true")
		}
		bars = append(bars, line)
	}
	verdict := s.c.S.Good.Render(fmt.Sprintf("label %d, predicted %d: right", label, pred))
	if pred != label {
		verdict = s.c.S.Bad.Render(fmt.Sprintf("label %d, predicted %d: wrong", label, pred))
	}
	bars = append(bars, "", verdict)
	n := max(len(picLines), len(bars))
	var b strings.Builder
	pw := ansi.StringWidth(picLines[0])
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		p := strings.Repeat(" ", pw)
		if i < len(picLines) {
			p = picLines[i]
		}
		b.WriteString(p + "  ")
		if i < len(bars) {
			b.WriteString(bars[i])
		}
	}
	return b.String()
}

func (s *backprop) confusionView(w int) string {
	cw := max(4, min(6, (w-4)/10)) // column width
	var b strings.Builder
	b.WriteString(s.c.S.Dim.Render("t\\p"))
	for j := 0; j < 10; j++ {
		fmt.Fprintf(&b, "%*d", cw, j)
	}
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "\n%3d ", i)
		for j := 0; j < 10; j++ {
			n := s.confusion[i][j]
			cell := fmt.Sprintf("%*d", cw, n)
			switch {
			case i == j:
				cell = s.c.S.Good.Render(cell)
			case n >= 20:
				cell = s.c.S.Bad.Render(cell)
			case n > 0:
				cell = s.c.S.Warn.Render(cell)
			default:
				cell = s.c.S.Dim.Render(cell)
			}
			b.WriteString(cell)
		}
	}
	return b.String()
}

func (s *backprop) weightsView(w int) string {
	var pics [][]string
	for j := 0; j < min(4, s.tr.Net.Params().Sizes[1]); j++ {
		pics = append(pics, s.c.weightPicture(s.tr.Net.FirstLayer(j), 0.5))
	}
	return joinPics(pics)
}

func (s *backprop) lastUpdate(w int) string {
	tr := s.tr
	if tr.Batches == 0 {
		return s.c.S.Dim.Render(wrap("press n to train on one mini-batch, space to train continuously", w))
	}
	p := tr.Net.Params()
	line := fmt.Sprintf("batch %d: %d digits, mean loss %.4f; w ← w − (η/m)·Σ∂C/∂w with η = %g, m = %d", tr.Batches, p.Batch, tr.LastLoss, p.Eta, p.Batch)
	return s.c.S.Accent.Render(wrap(line, w))
}

func (s *backprop) panel(name string, v topic.Values, w, h int) string {
	if name == "Gradient check" {
		c := s.check
		ratio := float64(c.FD) / math.Max(float64(c.BP), 1)
		verdict := s.c.S.Good.Render("backprop agrees with finite differences")
		if !(c.Rel < 1e-6) {
			verdict = s.c.S.Bad.Render("disagreement: a bug in the backward pass")
		}
		return wrap(strings.Join([]string{
			fmt.Sprintf("a [20, 15, 10] net with %s units and %s output, %d parameters", v.Choice("activation"), v.Choice("output"), c.Params),
			fmt.Sprintf("relative error ‖g_bp − g_fd‖/(‖g_bp‖+‖g_fd‖) = %.2g", c.Rel),
			verdict,
			fmt.Sprintf("backprop: %s (one forward and one backward pass)", c.BP),
			fmt.Sprintf("finite differences: %s (two forward passes per parameter): %.0f× slower", c.FD, ratio),
		}, "\n"), w)
	}
	return wrap(`Backpropagation (Rumelhart, Hinton and Williams 1986) is the chain rule written out efficiently. With z = Wa + b and a = σ(z) per layer:
(1) δᴸ = ∇ₐC ⊙ σ'(zᴸ)   (softmax with cross-entropy: δᴸ = a − y)
(2) δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ)
(3) ∂C/∂bˡ = δˡ
(4) ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
One backward pass gives every derivative, at the cost of about one forward pass; finite differences need two forward passes per weight (see the Gradient check tab). Nielsen's defaults: [784, 30, 10], sigmoid, quadratic cost, batch 10, η = 3: about 95% after 30 epochs.`, w)
}
