package tui

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"gonum.org/v1/gonum/floats"

	"github.com/jclub/jclub/models"
	"github.com/jclub/jclub/topic"
)

// cnn is the convolutional-network unit: LeNet trained one mini-batch per
// step beside an MLP on the same digits; the current digit, which the
// keys move, with both nets' outputs; the first layer's filters; the C1
// and C3 feature maps; accuracy under shifts; curves; confusion; a
// gradient check of every layer.
type cnn struct {
	data   *models.MNIST
	tr     *models.CNNTrainer
	mlp    *models.Trainer
	p      models.CNNParams
	view   int // the lower box: 0 feature maps, 1 shifts, 2 loss, 3 confusion
	digit  int // index into the test set
	dx, dy int // the digit moved by, in pixels
	curves
	valSub, testSub models.Digits
	rate            rate
	confusion       [10][10]int
	confAt          int  // batches when the nets were frozen for it (−1: never)
	confPending     bool // a confusion measurement under way
	check           []models.LayerCheck
	checkAt         int // batches when the gradient was checked
	// measurements of frozen copies, a few digits each step
	pending []measure
	// accuracy on the test subset moved by 0..3 pixels, CNN and MLP, and
	// the batches when the nets were frozen for it (−1: not yet)
	shiftCNN, shiftMLP [4]float64
	shiftAt            int
}

// measure is an Eval of nets frozen after some batches and where its
// results go (plain data, so that a copy of the state measures on alone).
type measure struct {
	kind    int // one of the measure kinds below
	e       *models.Eval
	at      float64 // samples seen when frozen
	batches int
	idx     []int // the Eval's tasks, by kind
}

// Measure kinds.
const (
	measureCurve     = iota // idx: val, test subsets
	measureShifts           // idx: CNN and MLP at 0..3 pixels, interleaved
	measureWhole            // idx: whole val, whole test
	measureConfusion        // idx: the test set
)

// record puts a finished measurement where it is shown.
func (s *cnn) record(m measure) {
	e := m.e
	switch m.kind {
	case measureCurve:
		s.valAcc.add(m.at, e.Accuracy(m.idx[0]))
		s.testAcc.add(m.at, e.Accuracy(m.idx[1]))
	case measureShifts:
		for k := range s.shiftCNN {
			s.shiftCNN[k], s.shiftMLP[k] = e.Accuracy(m.idx[2*k]), e.Accuracy(m.idx[2*k+1])
		}
		s.shiftAt = m.batches
	case measureWhole:
		s.epochX = append(s.epochX, m.at)
		s.epochVal = append(s.epochVal, e.Accuracy(m.idx[0]))
		s.epochTest = append(s.epochTest, e.Accuracy(m.idx[1]))
	case measureConfusion:
		s.confusion, s.confAt, s.confPending = e.Confusion(m.idx[0]), m.batches, false
	}
}

// evalPerStep is how many digits a training step also classifies for the
// measurements under way (about half a training batch's time).
const evalPerStep = 40

// shiftSubset is how many test digits the live shift chart uses.
const shiftSubset = 500

var (
	moveLeft  = key.NewBinding(key.WithKeys("H", "shift+left"), key.WithHelp("H/J/K/L", "move the digit"))
	moveDown  = key.NewBinding(key.WithKeys("J", "shift+down"))
	moveUp    = key.NewBinding(key.WithKeys("K", "shift+up"))
	moveRight = key.NewBinding(key.WithKeys("L", "shift+right"))
	centreKey = key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "centre"))
	checkKey  = key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "check gradients"))
)

// maxMove is how far the keys move a digit.
const maxMove = 6

func newCNN(string) unit { return &cnn{} }

func (s *cnn) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	p := topic.CNNParams(v)
	tr, err := models.NewCNNTrainer(p, data, seed)
	if err != nil {
		return err
	}
	mlp, err := models.NewTrainer(topic.BesideMLP(p.Batch), data, seed)
	if err != nil {
		return err
	}
	*s = cnn{data: data, tr: tr, mlp: mlp, p: p, view: s.view, digit: s.digit, dx: s.dx, dy: s.dy,
		curves: newCurves(), confAt: -1, shiftAt: -1,
		valSub: data.Val.Slice(0, 1000), testSub: data.Test.Slice(0, 1000)}
	s.checkpoint(false)
	s.measureSome(2 * s.valSub.Len()) // the curves' first point at once, the shift chart over the first steps
	return nil
}

// gradCheck compares the backward pass with finite differences on a copy
// of the net as it is now.
func (s *cnn) gradCheck() {
	rng := rand.New(rand.NewPCG(uint64(s.tr.Batches)+1, 0x9c))
	s.check, s.checkAt = s.tr.Net.Clone().GradCheck(rng, 2, 20, 1e-6), s.tr.Batches
}

// checkpoint freezes copies of both nets and queues their measurement:
// the 1,000-digit subsets for the curves, then the moved test digits for
// the shift chart, and with whole the whole validation and test sets (at
// an epoch's end). Each is shown when it is done.
func (s *cnn) checkpoint(whole bool) {
	net, mlp := s.tr.Net.Clone(), models.MovedMLP{MLP: s.mlp.Net.Clone()}
	at, batches := float64(s.tr.Samples()), s.tr.Batches
	queue := func(kind int, add func(e *models.Eval) []int) {
		e := &models.Eval{}
		s.pending = append(s.pending, measure{kind: kind, e: e, at: at, batches: batches, idx: add(e)})
	}
	queue(measureCurve, func(e *models.Eval) []int {
		return []int{e.Add(net, s.valSub, 0), e.Add(net, s.testSub, 0)}
	})
	queue(measureShifts, func(e *models.Eval) []int {
		sub := s.data.Test.Slice(0, shiftSubset)
		var idx []int
		for k := range 4 {
			idx = append(idx, e.Add(net, sub, k), e.Add(mlp, sub, k))
		}
		return idx
	})
	if whole {
		queue(measureWhole, func(e *models.Eval) []int {
			return []int{e.Add(net, s.data.Val, 0), e.Add(net, s.data.Test, 0)}
		})
	}
}

// measureSome advances the oldest measurements by n digits in all.
func (s *cnn) measureSome(n int) {
	for n > 0 && len(s.pending) > 0 {
		m := s.pending[0]
		left := m.e.Left()
		if m.e.Advance(n) {
			s.record(m)
			s.pending = s.pending[1:]
		}
		n -= left
	}
}

// finish completes every measurement under way.
func (s *cnn) finish() {
	for len(s.pending) > 0 {
		s.measureSome(math.MaxInt)
	}
}

// wantConfusion queues a confusion measurement of the net as it is when
// the one shown is older than 500 batches (50 when paused), and completes
// it at once when now (a paused screen: no steps to spread it over; the
// test set takes about half a second).
func (s *cnn) wantConfusion(now bool) {
	age := s.tr.Batches - s.confAt
	stale := s.confAt < 0 || now && age >= 50 || age >= 500
	if stale && !s.confPending {
		e := &models.Eval{}
		i := e.AddConfusion(s.tr.Net.Clone(), s.data.Test)
		s.confPending = true
		s.pending = append(s.pending, measure{kind: measureConfusion, e: e, batches: s.tr.Batches, idx: []int{i}})
	}
	if now && s.confPending {
		s.finish()
	}
}

func (s *cnn) finished(v topic.Values) (bool, string) {
	n := topic.Epochs(v)
	done := s.tr.Epoch >= n
	if done {
		s.finish() // the run pauses here: the epoch's figures now
	}
	return done, fmt.Sprintf("%d epoch(s) trained", n)
}

func (s *cnn) step() {
	epochDone := s.tr.Step()
	s.mlp.Step()
	s.rate.tick(s.tr.Batches)
	s.addLoss(s.tr.Batches, float64(s.tr.Samples()), s.tr.LastLoss)
	if epochDone || s.tr.Batches%checkpointEvery == 0 {
		s.checkpoint(epochDone)
	}
	s.measureSome(evalPerStep)
}

func (s *cnn) net() *models.CNN { return s.tr.Net }

func (s *cnn) tabs() []string { return []string{"Gradient check", "Theory"} }
func (s *cnn) keys() []key.Binding {
	return []key.Binding{nextDigitKey, mistakeKey, moveLeft, centreKey, viewKey, checkKey}
}

func (s *cnn) key(msg tea.KeyMsg) bool {
	n := s.data.Test.Len()
	switch {
	case key.Matches(msg, nextDigitKey):
		s.digit = (s.digit + 1) % n
	case key.Matches(msg, mistakeKey):
		for k := 1; k <= n; k++ {
			i := (s.digit + k) % n
			if floats.MaxIdx(s.tr.Net.Predict(s.data.Test.Image(i), s.dx, s.dy)) != int(s.data.Test.Labels[i]) {
				s.digit = i
				break
			}
		}
	case key.Matches(msg, moveLeft):
		s.dx = max(s.dx-1, -maxMove)
	case key.Matches(msg, moveRight):
		s.dx = min(s.dx+1, maxMove)
	case key.Matches(msg, moveUp):
		s.dy = max(s.dy-1, -maxMove)
	case key.Matches(msg, moveDown):
		s.dy = min(s.dy+1, maxMove)
	case key.Matches(msg, centreKey):
		s.dx, s.dy = 0, 0
	case key.Matches(msg, viewKey):
		s.view = (s.view + 1) % 4
	case key.Matches(msg, checkKey):
		s.gradCheck()
	default:
		return false
	}
	return true
}

func (s *cnn) status() string { return epochStatus(&s.tr.Walk, &s.rate) }

func (s *cnn) layout(d *drawer) layout {
	S := d.S()
	xmax := math.Max(float64(s.data.Train.Len()), float64(s.tr.Samples()))
	var lower box
	switch s.view {
	case 0:
		lower = box{title: "filters and feature maps", legend: S.Dim.Render(mapScale),
			legendFrom: 14, min: 4, draw: func(w, h int) string { return s.mapsView(d, w, h) }}
	case 1:
		lower = d.chart("shifts", fmt.Sprintf("accuracy on %d test digits moved by 0–3 pixels", shiftSubset),
			s.shiftLegend(d), s.drawShifts)
	case 2:
		lower = s.lossChart(d, xmax)
	default:
		title := "confusion on the 10,000 test digits (rows true, columns predicted)"
		if s.confAt >= 0 {
			title = fmt.Sprintf("confusion on the 10,000 test digits after batch %d (rows true, columns predicted)", s.confAt)
		}
		lower = box{title: title, min: 11,
			draw: func(w, h int) string {
				s.wantConfusion(!d.live)
				if s.confAt < 0 {
					return d.S().Dim.Render("classifying the test set…")
				}
				return confusionTable(d, s.confusion, w, h)
			}}
	}
	lower.title += " (v: next)"
	return layout{
		main: box{title: s.digitTitle(), legend: s.verdict(d), essential: s.shownOutputs(),
			draw: func(w, h int) string { return s.digitView(d, w, h) }},
		update: s.lastUpdate(d),
		right:  []box{s.accuracyChart(d, xmax), lower},
	}
}

func (s *cnn) digitTitle() string {
	t := fmt.Sprintf("test digit %d of %d (d next, m mistake)", s.digit+1, s.data.Test.Len())
	if s.dx != 0 || s.dy != 0 {
		t = fmt.Sprintf("test digit %d moved %+d, %+d px (c centre)", s.digit+1, s.dx, s.dy)
	}
	return t
}

// outputs are both nets' outputs on the digit as moved, and its label.
func (s *cnn) outputs() (cnnOut, mlpOut []float64, label int) {
	img := s.data.Test.Image(s.digit)
	cnnOut = s.tr.Net.Predict(img, s.dx, s.dy)
	mlpOut = append([]float64(nil), s.mlp.Net.Predict(models.Shift(img, s.dx, s.dy))...)
	return cnnOut, mlpOut, int(s.data.Test.Labels[s.digit])
}

func (s *cnn) shownOutputs() []string {
	out, _, _ := s.outputs()
	return outputTexts(out)
}

// verdict says whether each net is right about the digit as moved.
func (s *cnn) verdict(d *drawer) string {
	c, m, label := s.outputs()
	say := func(name string, out []float64) string {
		p := floats.MaxIdx(out)
		if p != label {
			return d.S().Bad.Render(fmt.Sprintf("%s %d (%.2f) wrong", name, p, out[p]))
		}
		return d.S().Good.Render(fmt.Sprintf("%s %d (%.2f) right", name, p, out[p]))
	}
	return fmt.Sprintf("label %d: ", label) + say("CNN", c) + " · " + say("MLP", m)
}

// digitView draws the moved digit with the CNN's ten outputs.
func (s *cnn) digitView(d *drawer, w, h int) string {
	c, _, label := s.outputs()
	return outputsView(d, models.Shift(s.data.Test.Image(s.digit), s.dx, s.dy), c, label, w, h)
}

// mapScale says how the filters and feature maps are shaded.
const mapScale = "red +, blue −, each scaled to its largest |value|"

// picSet is a row of square pictures (filters or feature maps) with the
// sides they may be drawn at, largest first.
type picSet struct {
	name  string
	pics  [][]float64
	side  int
	sides []int
}

// resample draws a side×side grid at t×t: each value repeated where t is
// larger, blocks averaged where smaller (t divides side or side divides t).
func resample(v []float64, side, t int) []float64 {
	out := make([]float64, t*t)
	if t >= side {
		k := t / side
		for y := range t {
			for x := range t {
				out[y*t+x] = v[(y/k)*side+x/k]
			}
		}
		return out
	}
	k := side / t
	for y := range side {
		for x := range side {
			out[(y/k)*t+x/k] += v[y*side+x] / float64(k*k)
		}
	}
	return out
}

// sideBySide puts pictures of equal height side by side, a column apart.
func sideBySide(pics [][]string) string {
	lines := make([]string, len(pics[0]))
	for y := range lines {
		var row []string
		for _, p := range pics {
			row = append(row, p[y])
		}
		lines[y] = strings.Join(row, " ")
	}
	return strings.Join(lines, "\n")
}

// mapsView draws C1's filters and the C1 and C3 maps of the digit as
// moved: each set at the largest size that lets all fit, as many as fit.
func (s *cnn) mapsView(d *drawer, w, h int) string {
	return d.throttled("maps", w, h, func() string {
		m := s.tr.Net.FeatureMaps(s.data.Test.Image(s.digit), s.dx, s.dy)
		sets := []picSet{
			{"C1 filters", s.tr.Net.Filters(), 5, []int{10, 5}},
			{"C1 maps", m.C1, m.Side[0], []int{m.Side[0], m.Side[0] / 2, m.Side[0] / 4}},
			{"C3 maps", m.C3, m.Side[1], []int{m.Side[1], m.Side[1] / 2}},
		}
		rowsOf := func(set picSet, t int) int {
			per := max(1, (w+1)/(t+1))
			return 1 + (len(set.pics)+per-1)/per*((t+1)/2)
		}
		// the smallest sizes first, then larger while all still fit
		pick := make([]int, len(sets))
		for i, set := range sets {
			pick[i] = len(set.sides) - 1
		}
		total := func() int {
			n := 0
			for i, set := range sets {
				n += rowsOf(set, set.sides[pick[i]])
			}
			return n
		}
		for grown := true; grown; {
			grown = false
			for i := range sets {
				if pick[i] > 0 {
					pick[i]--
					if total() <= h {
						grown = true
						continue
					}
					pick[i]++
				}
			}
		}
		var parts []string
		rows := h
		for i, set := range sets {
			t := set.sides[pick[i]]
			lines := (t + 1) / 2
			per := max(1, (w+1)/(t+1))
			fit := min(len(set.pics), per*max(0, (rows-1)/lines))
			if fit == 0 {
				break
			}
			var pics [][]string
			for _, v := range set.pics[:fit] {
				pics = append(pics, d.c.shades(resample(v, set.side, t), t, t, true, lines))
			}
			var out []string
			for j := 0; j < fit; j += per {
				out = append(out, sideBySide(pics[j:min(j+per, fit)]))
			}
			head := fmt.Sprintf("%s (%d, %d×%d)", set.name, len(set.pics), set.side, set.side)
			if fit < len(set.pics) {
				head = fmt.Sprintf("%s 1–%d of %d (%d×%d)", set.name, fit, len(set.pics), set.side, set.side)
			}
			parts = append(parts, d.S().Dim.Render(head)+"\n"+strings.Join(out, "\n"))
			rows -= 1 + len(out)*lines
		}
		return strings.Join(parts, "\n")
	})
}

func (s *cnn) shiftLegend(d *drawer) string {
	S := d.S()
	if s.shiftAt < 0 {
		return S.Dim.Render("measuring…")
	}
	return S.Series[0].Render(fmt.Sprintf("● CNN %.3f→%.3f", s.shiftCNN[0], s.shiftCNN[2])) + "  " +
		S.Series[1].Render(fmt.Sprintf("◆ MLP %.3f→%.3f", s.shiftMLP[0], s.shiftMLP[2])) +
		S.Dim.Render(fmt.Sprintf("  at 0→2 px; after batch %d", s.shiftAt))
}

func (s *cnn) drawShifts(p *plot) string {
	if s.shiftAt < 0 {
		return "measuring the nets on moved digits…"
	}
	p.xName, p.yName = "pixels moved", "accuracy"
	xs := []float64{0, 1, 2, 3}
	S := p.c.S
	p.draw([2]float64{0, 3}, [2]float64{0, 1},
		series{xs: xs, ys: s.shiftCNN[:], style: S.Series[0]},
		series{xs: xs, ys: s.shiftCNN[:], style: S.Series[0], glyph: '●'},
		series{xs: xs, ys: s.shiftMLP[:], style: S.Series[1], dash: dashed},
		series{xs: xs, ys: s.shiftMLP[:], style: S.Series[1], glyph: '◆'})
	return ""
}

func (s *cnn) lastUpdate(d *drawer) string {
	tr := s.tr
	if tr.Batches == 0 {
		return d.S().Dim.Render("press n to train on one mini-batch, space to train continuously")
	}
	u := tr.Last
	var norms []string
	for l, name := range tr.Net.LayerNames() {
		norms = append(norms, fmt.Sprintf("%s %.3g", name, u.GradNorm[l]))
	}
	return d.S().Accent.Render(fmt.Sprintf("batch %d: loss %.4f; v ← μv − η∇C, w ← w + v, η %.3g, μ %g; |∇C| %s; largest C1 change %.2g",
		tr.Batches, u.Loss, s.net().Rate(), s.p.Momentum, strings.Join(norms, " "), u.MaxFilter))
}

func (s *cnn) panel(d *drawer, name string, w int) string {
	if name != "Gradient check" {
		return wrap(fmt.Sprintf(cnnTheory, s.tr.Net.Weights(), s.mlp.Net.Weights()), w)
	}
	if s.check == nil { // on demand: the first look at the tab
		s.gradCheck()
	}
	lines := []string{fmt.Sprintf("backprop against central finite differences (h = 1e-6) on 2 random inputs, the net after batch %d (x: again on the net as it is):", s.checkAt)}
	ok := true
	for _, c := range s.check {
		lines = append(lines, fmt.Sprintf("%-4s relative error %.2g over %d of its %d parameters", c.Layer, c.Rel, c.Checked, c.Total))
		ok = ok && c.Rel < 1e-6
	}
	if ok {
		lines = append(lines, d.S().Good.Render("every layer agrees with finite differences"))
	} else {
		lines = append(lines, d.S().Bad.Render("disagreement: a bug in a backward pass (or a kink of ReLU or max crossed)"))
	}
	return wrap(strings.Join(lines, "\n"), w)
}

const cnnTheory = `Local receptive fields and shared weights. Hubel and Wiesel (1962) found cells in the cat's visual cortex that answer to an edge at one place and orientation (simple cells) and complex cells that answer to it over a small range of places; Fukushima's neocognitron (1980) stacked the two kinds, and LeCun et al. (1989, 1998) trained such a stack by backpropagation.
A convolution layer applies one small kernel (5×5 here) at every position: a feature map is z = w ∗ x + b, one kernel's response across the image. The same weights everywhere (weight sharing) means a feature learnt in one place is detected in all, and few parameters: this net has %d against %d for the 300-unit MLP beside it, which reaches lower accuracy (LeCun et al.: LeNet-5 0.95%% test error, LeNet-1 1.7%%, a 300-hidden-unit MLP 4.7%%).
Pooling (2×2 max or mean) halves each map: a feature moved by a pixel moves its map by a pixel (convolution is equivariant), and after pooling little changes (the prediction is nearly invariant): move the digit with H/J/K/L and watch the maps shift while the prediction stays; the MLP, which has no notion of neighbouring pixels, loses far more (v: the shift chart).
LeNet-5's C3 reads only some of S2's maps (its table): fewer weights, and maps forced to differ.
Questions: why does sharing weights help? What do the first-layer filters look like, and why are they like ICA's edge filters? (Both find the localised, oriented edges that natural images and pen strokes are built of; ICA because those are the sparse, independent causes, the network because they are what separates the digits.)`
