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

// backprop is the MNIST unit: a multilayer perceptron trained one
// mini-batch per step, its accuracy and loss curves, a test digit with the
// network's outputs, the confusion matrix, first-layer weights and a
// gradient check.
type backprop struct {
	data  *models.MNIST
	tr    *models.Trainer
	view  int // 0 loss, 1 confusion, 2 weights
	digit int // index into the test set
	curves
	// a fixed subset for checkpoints between epochs
	valSub, testSub models.Digits
	rate            rate
	confusion       [10][10]int
	confAt          int // batches when the confusion matrix was computed (−1: never)
	check           models.GradCheckResult
	p               models.MLPParams
}

// checkpointEvery is how often (in mini-batches) the accuracy on the fixed
// 1,000-digit subsets is recorded; every epoch uses the whole sets.
const checkpointEvery = 250

var (
	nextDigitKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "next digit"))
	mistakeKey   = key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "next mistake"))
)

func newBackprop(string) unit { return &backprop{} }

func (s *backprop) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	p := topic.MLPParams(v)
	tr, err := models.NewTrainer(p, data, seed)
	if err != nil {
		return err
	}
	*s = backprop{data: data, tr: tr, p: p, view: s.view, digit: s.digit, curves: newCurves(), confAt: -1,
		valSub: data.Val.Slice(0, 1000), testSub: data.Test.Slice(0, 1000)}
	s.checkpoint()
	s.check = models.SmallGradCheck(p, seed)
	return nil
}

func (s *backprop) checkpoint() {
	n := float64(s.tr.Samples())
	s.valAcc.add(n, s.tr.Net.Accuracy(s.valSub))
	s.testAcc.add(n, s.tr.Net.Accuracy(s.testSub))
}

func (s *backprop) finished(v topic.Values) (bool, string) {
	n := topic.Epochs(v)
	return s.tr.Epoch >= n, fmt.Sprintf("%d epoch(s) trained", n)
}

func (s *backprop) step() {
	epochDone := s.tr.Step()
	s.rate.tick(s.tr.Batches)
	s.addLoss(s.tr.Batches, float64(s.tr.Samples()), s.tr.LastLoss)
	if epochDone || s.tr.Batches%checkpointEvery == 0 {
		s.checkpoint()
	}
	if epochDone {
		s.epochX = append(s.epochX, float64(s.tr.Samples()))
		s.epochVal = append(s.epochVal, s.tr.Net.Accuracy(s.data.Val))
		s.epochTest = append(s.epochTest, s.tr.Net.Accuracy(s.data.Test))
	}
}

// rate measures steps per wall-clock second over the last few seconds of
// a run; a pause of over a second (stepping by hand) starts it again.
type rate struct {
	t0, last time.Time
	n0, n    int
}

func (r *rate) tick(n int) {
	now := time.Now()
	if r.last.IsZero() || now.Sub(r.last) > time.Second || now.Sub(r.t0) > 10*time.Second {
		r.t0, r.n0 = now, n
	}
	r.last, r.n = now, n
}

// eta is the time to reach step n at the measured rate (0: not known).
func (r *rate) eta(n int) time.Duration {
	el, done := r.last.Sub(r.t0), r.n-r.n0
	if el < time.Second || done <= 0 || time.Since(r.last) > time.Second {
		return 0
	}
	return time.Duration(float64(el) * float64(n-r.n) / float64(done))
}

func (s *backprop) tabs() []string      { return []string{"Gradient check", "Theory"} }
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

func (s *backprop) status() string { return epochStatus(&s.tr.Walk, &s.rate) }

func (s *backprop) layout(d *drawer) layout {
	xmax := math.Max(float64(s.data.Train.Len()), float64(s.tr.Samples()))
	var lower box
	switch s.view {
	case 0:
		lower = s.lossChart(d, xmax)
	case 1:
		lower = box{title: "confusion on the 10,000 test digits (rows true, columns predicted)", min: 11,
			draw: func(w, h int) string {
				return d.throttled("confusion", w, h, func() string { return s.confusionView(d, w, h) })
			}}
	default:
		lower = box{title: "first-layer weights", legend: d.S().Dim.Render(shadeScale), min: 7, draw: func(w, h int) string {
			return d.throttled("weights", w, h, func() string { return s.weightsView(d, w, h) })
		}}
	}
	lower.title += " (v: next)"
	return layout{
		main: box{title: fmt.Sprintf("test digit %d of %d (d next, m next mistake)", s.digit+1, s.data.Test.Len()),
			legend: s.verdict(d), essential: s.shownOutputs(), draw: func(w, h int) string { return s.digitView(d, w, h) }},
		update: s.lastUpdate(d),
		right:  []box{s.accuracyChart(d, xmax), lower},
	}
}

// outputs are the net's outputs on the digit on display, its label and
// the prediction.
func (s *backprop) outputs() (out []float64, label, pred int) {
	img := s.data.Test.Image(s.digit)
	out = append([]float64(nil), s.tr.Net.Predict(img)...)
	for j := range out {
		if out[j] > out[pred] {
			pred = j
		}
	}
	return out, int(s.data.Test.Labels[s.digit]), pred
}

// shownOutputs are the outputs as the digit's box prints them.
func (s *backprop) shownOutputs() []string {
	out, _, _ := s.outputs()
	return outputTexts(out)
}

// outputTexts are a net's ten outputs as outputsView prints them.
func outputTexts(out []float64) []string {
	o := make([]string, len(out))
	for j, v := range out {
		o[j] = fmt.Sprintf("%.3f", v)
	}
	return o
}

// verdict says whether the net is right about the digit on display.
func (s *backprop) verdict(d *drawer) string {
	_, label, pred := s.outputs()
	if pred != label {
		return d.S().Bad.Render(fmt.Sprintf("label %d, predicted %d: wrong", label, pred))
	}
	return d.S().Good.Render(fmt.Sprintf("label %d, predicted %d: right", label, pred))
}

// digitView draws the digit (half blocks, or braille if short of room)
// and the ten outputs.
func (s *backprop) digitView(d *drawer, w, h int) string {
	out, label, _ := s.outputs()
	return outputsView(d, s.data.Test.Image(s.digit), out, label, w, h)
}

// outputsView draws a digit and a net's ten outputs beside it: as bars
// where there are ten rows, else in two columns of five; the label and
// the prediction marked.
func outputsView(d *drawer, img []byte, out []float64, label, w, h int) string {
	S := d.S()
	pred := 0
	for j := range out {
		if out[j] > out[pred] {
			pred = j
		}
	}
	picLines := d.c.picture(pixels(img), h)
	pw := ansi.StringWidth(picLines[0])
	mark := func(j int, line string, long bool) string {
		switch {
		case j == label && j == pred:
			return S.Good.Render(line + " ✓")
		case j == pred:
			return S.Bad.Render(line + " ✗")
		case j == label && long:
			return S.Accent.Render(line + " true")
		case j == label:
			return S.Accent.Render(line + " ←")
		}
		return line + "  "
	}
	var rows []string
	if h >= len(out) {
		barW := max(4, min(30, w-pw-18))
		for j, v := range out {
			n := int(math.Round(math.Max(0, math.Min(1, v)) * float64(barW)))
			rows = append(rows, mark(j, fmt.Sprintf("%d %s %.3f", j, strings.Repeat("█", n)+strings.Repeat("·", barW-n), v), true))
		}
	} else {
		for j := 0; j < 5; j++ {
			rows = append(rows, mark(j, fmt.Sprintf("%d %.3f", j, out[j]), false)+"  "+mark(j+5, fmt.Sprintf("%d %.3f", j+5, out[j+5]), false))
		}
	}
	n := max(len(picLines), len(rows))
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		p := strings.Repeat(" ", pw)
		if i < len(picLines) {
			p = picLines[i]
		}
		b.WriteString(p + "  ")
		if i < len(rows) {
			b.WriteString(rows[i])
		}
	}
	return b.String()
}

// confusionView draws the confusion matrix of the whole test set,
// recomputed when the net changed (while running, every 500 batches).
func (s *backprop) confusionView(d *drawer, w, h int) string {
	if s.confAt < 0 || s.tr.Batches != s.confAt && (!d.live || s.tr.Batches-s.confAt >= 500) {
		s.confusion = s.tr.Net.Confusion(s.data.Test)
		s.confAt = s.tr.Batches
	}
	return confusionTable(d, s.confusion, w, h)
}

// confusionTable draws a confusion matrix (rows true, columns predicted)
// as a heatmap: each cell shaded by its share of the row (the digits of
// that label), green on the diagonal, red off it.
func confusionTable(d *drawer, c [10][10]int, w, h int) string {
	S := d.S()
	header := []string{S.Dim.Render("t\\p")}
	for j := 0; j < 10; j++ {
		header = append(header, fmt.Sprint(j))
	}
	var width [10]int // of each column, so that the shade fills the cell
	for i := range c {
		for j, n := range c[i] {
			width[j] = max(width[j], len(fmt.Sprint(n)))
		}
	}
	var rows [][]string
	for i := 0; i < 10; i++ {
		row := []string{fmt.Sprint(i)}
		total := 0
		for _, n := range c[i] {
			total += n
		}
		for j := 0; j < 10; j++ {
			n := c[i][j]
			f := float64(n) / float64(max(total, 1))
			row = append(row, d.c.heatCell(fmt.Sprintf("%*d", width[j], n), f, i == j))
		}
		rows = append(rows, row)
	}
	return table(header, rows, w, h)
}

// weightsView draws the first-layer weights of as many hidden units as fit.
func (s *backprop) weightsView(d *drawer, w, h int) string {
	per := max(1, (w+2)/16) // a 14-wide picture and two columns apart
	rows := max(1, h/8)     // 7 lines a picture and one between
	units := s.p.Sizes[1]
	n := min(units, per*rows)
	var out []string
	for r := 0; r*per < n; r++ {
		var pics [][]string
		for j := r * per; j < min(n, (r+1)*per); j++ {
			pics = append(pics, d.c.weightPicture(s.tr.Net.FirstLayer(j), 7))
		}
		out = append(out, joinPics(pics))
	}
	note := fmt.Sprintf("hidden units 1–%d of %d", n, units)
	return strings.Join(out, "\n\n") + "\n" + d.S().Dim.Render(note)
}

func (s *backprop) lastUpdate(d *drawer) string {
	tr := s.tr
	if tr.Batches == 0 {
		return d.S().Dim.Render("press n to train on one mini-batch, space to train continuously")
	}
	p := s.p
	return d.S().Accent.Render(fmt.Sprintf("batch %d: %d digits, mean loss %.4f; w ← w − (η/m)·Σ∂C/∂w with η = %g, m = %d", tr.Batches, p.Batch, tr.LastLoss, p.Eta, p.Batch))
}

func (s *backprop) panel(d *drawer, name string, w int) string {
	if name != "Gradient check" {
		return wrap(backpropTheory, w)
	}
	c := s.check
	ratio := float64(c.FD) / math.Max(float64(c.BP), 1)
	verdict := d.S().Good.Render("backprop agrees with finite differences")
	if !(c.Rel < 1e-6) {
		verdict = d.S().Bad.Render("disagreement: a bug in the backward pass")
	}
	return wrap(strings.Join([]string{
		fmt.Sprintf("a [20, 15, 10] net with %s units and %s output, %d parameters", s.p.Activation, s.p.Output, c.Params),
		fmt.Sprintf("relative error ‖g_bp − g_fd‖/(‖g_bp‖+‖g_fd‖) = %.2g", c.Rel),
		verdict,
		fmt.Sprintf("backprop: %s (one forward and one backward pass)", c.BP),
		fmt.Sprintf("finite differences: %s (two forward passes per parameter): %.0f× slower", c.FD, ratio),
	}, "\n"), w)
}

const backpropTheory = `Backpropagation (Rumelhart, Hinton and Williams 1986) is the chain rule written out efficiently. With z = Wa + b and a = σ(z) per layer:
(1) δᴸ = ∇ₐC ⊙ σ'(zᴸ)   (softmax with cross-entropy: δᴸ = a − y)
(2) δˡ = (Wˡ⁺¹)ᵀ δˡ⁺¹ ⊙ σ'(zˡ)
(3) ∂C/∂bˡ = δˡ
(4) ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ
One backward pass gives every derivative, at the cost of about one forward pass; finite differences need two forward passes per weight (see the Gradient check tab). Nielsen's defaults: [784, 30, 10], sigmoid, quadratic cost, batch 10, η = 3: about 95% after 30 epochs.`
