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

// deep is the deep-belief-net screen: greedy pretraining of an RBM stack,
// then three nets (small random, Glorot, pretrained) fine-tuned in step
// with the same data and budget; or a sweep over depth.
type deep struct {
	c         *Common
	l         columns
	v         topic.Values
	data      *models.MNIST
	seed      uint64
	hidden    []int
	cmp       *topic.DeepComparison // the comparison experiment (nil: the sweep)
	acc       [3]trace
	which     int // whose layer statistics are shown
	stats     [3][]float64
	chart     plot
	err       string            // an error of the last step, shown in the status line
	sweep     *topic.DepthSweep // the sweep experiment (nil: the comparison)
	dreamPics [][]float64
}

var (
	netKey   = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "whose layers"))
	dreamKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "dream"))
)

var deepNames = []string{"small random", "Glorot", "pretrained"}

func newDeepScreen(c *Common, t *topic.Topic, v topic.Values, seed uint64) Screen {
	s := &deep{c: c}
	s.chart.c = c
	return newRunner(c, t, legacyOf(func() sim { return s }), v, seed, 4)
}

func (s *deep) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	s.v, s.data, s.seed, s.hidden = v, data, seed, topic.DeepLayers(v)
	for i := range s.acc {
		s.acc[i].reset()
	}
	s.cmp, s.dreamPics, s.sweep, s.err = nil, nil, nil, ""
	if v.Choice("experiment") == "sweep" {
		s.sweep, err = topic.NewDepthSweep(data, s.hidden[0], v.Choice("init"), v.Float("eta"), v.Int("pretrain"), v.Int("budget"), seed)
		return err
	}
	s.cmp, err = topic.NewDeepComparison(data, s.hidden, v.Float("eta"), v.Int("pretrain"), seed)
	return err
}

func (s *deep) checkpoint() {
	sub := s.data.Test.Slice(0, 1000)
	for i, tr := range s.cmp.Runs {
		s.acc[i].add(float64(tr.Batches), tr.Net.Accuracy(sub))
	}
	if s.cmp.Pretrained() {
		m, sd, g := s.cmp.Runs[s.which].Net.LayerStats(s.data.Test, firstN(100))
		s.stats = [3][]float64{m, sd, g}
	}
}

func firstN(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (s *deep) step() {
	if s.sweep != nil {
		s.sweepStep()
		return
	}
	was := s.cmp.Pretrained()
	if err := s.cmp.Step(); err != nil {
		s.err = err.Error()
		return
	}
	if s.cmp.Pretrained() && (!was || s.cmp.Runs[0].Batches%250 == 0) {
		s.checkpoint()
	}
}

func (s *deep) finished(v topic.Values) (bool, string) {
	if s.sweep != nil {
		return s.sweep.Done(), "every depth trained"
	}
	n := v.Int("epochs")
	return s.cmp.Pretrained() && s.cmp.Runs[0].Epoch >= n, fmt.Sprintf("%d epoch(s) of fine-tuning", n)
}

func (s *deep) sweepStep() {
	if err := s.sweep.Step(); err != nil {
		s.err = err.Error()
	}
}

func (s *deep) setSize(w, h int) {
	s.l = columns{w, h}
	s.chart.setSize(s.l.rightW()-2, s.l.rightH(0, 2)-3)
}

func (s *deep) panelSize() (int, int) { return s.l.panelSize() }
func (s *deep) tabs() []string        { return []string{"Theory"} }
func (s *deep) keys() []key.Binding   { return []key.Binding{netKey, dreamKey} }

func (s *deep) key(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, netKey):
		s.which = (s.which + 1) % 3
		if s.cmp != nil && s.cmp.Pretrained() {
			s.checkpoint()
		}
	case key.Matches(msg, dreamKey):
		if s.cmp != nil && s.cmp.DBN.Done() {
			s.dreamPics = nil
			for k := 0; k < 4; k++ {
				s.dreamPics = append(s.dreamPics, s.cmp.DBN.Dream(20+k, 100))
			}
		}
	default:
		return false
	}
	return true
}

func (s *deep) status() string {
	switch {
	case s.err != "":
		return s.err
	case s.sweep != nil && !s.sweep.Done():
		return fmt.Sprintf("sweep: depth %d of %d, %s", s.sweep.Depth, topic.SweepDepths, s.v.Choice("init"))
	case s.sweep != nil:
		return "sweep done"
	case !s.cmp.Pretrained():
		d := s.cmp.DBN
		return fmt.Sprintf("pretraining layer %d of %d, batch %d/%d", d.Layer+1, len(d.RBMs), d.Batches, d.PerLayer)
	}
	return fmt.Sprintf("fine-tuning: update %d of each net", s.cmp.Runs[0].Batches)
}

func (s *deep) redraw(v topic.Values, live bool) {
	if s.l.w == 0 {
		return
	}
	if s.sweep != nil {
		var xs, ys []float64
		for i, a := range s.sweep.Acc {
			xs, ys = append(xs, float64(i+1)), append(ys, a)
		}
		s.chart.draw([2]float64{0.5, 5.5}, [2]float64{0, 1},
			series{xs: xs, ys: ys, style: s.c.S.Series[0]},
			series{xs: xs, ys: ys, style: s.c.S.Series[0], glyph: '●'})
		return
	}
	xmax := 10.0
	if s.cmp.Pretrained() {
		xmax = math.Max(xmax, float64(s.cmp.Runs[0].Batches))
	}
	s.chart.draw([2]float64{0, xmax}, [2]float64{0, 1},
		series{xs: s.acc[0].xs, ys: s.acc[0].ys, style: s.c.S.Series[2]},
		series{xs: s.acc[1].xs, ys: s.acc[1].ys, style: s.c.S.Series[1]},
		series{xs: s.acc[2].xs, ys: s.acc[2].ys, style: s.c.S.Series[0]})
}

func (s *deep) body(panel func(h int) string) string {
	l := s.l
	if s.sweep != nil {
		return s.sweepBody(panel)
	}
	// the stack, the layer being pretrained marked
	var b strings.Builder
	sizes := append(append([]int{models.Pixels}, s.hidden...), 10)
	for i := len(sizes) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%4d units", sizes[i])
		switch {
		case i == len(sizes)-1:
			name += "  softmax output (fine-tuning only)"
		case i == 0:
			name += "  pixels"
		}
		line := "  ▭ " + name
		switch {
		case !s.cmp.DBN.Done() && i == s.cmp.DBN.Layer+1:
			line = s.c.S.Warn.Render("▸ ▭ " + name + "  ← RBM being trained")
		case !s.cmp.DBN.Done() && i == s.cmp.DBN.Layer:
			line = s.c.S.Warn.Render("▸ ▭ " + name)
		}
		b.WriteString(line + "\n")
	}
	if !s.cmp.DBN.Done() {
		fmt.Fprintf(&b, "\nRBM %d: reconstruction error %.2f", s.cmp.DBN.Layer+1, s.cmp.DBN.Last)
	} else if len(s.dreamPics) > 0 {
		var pics [][]string
		for _, p := range s.dreamPics {
			pics = append(pics, s.c.picture(p, 0.5, 7))
		}
		b.WriteString("\ndreams (d again for more):\n" + joinPics(pics))
	} else {
		b.WriteString("\npretrained: d dreams digits from the stack")
	}
	main := s.c.box("deep belief net", b.String(), l.leftW(), l.mainH(), false)
	legend := ""
	for i, name := range deepNames {
		st := []int{2, 1, 0}[i]
		legend += s.c.S.Series[st].Render(fmt.Sprintf("━ %s %s  ", name, num(last(s.acc[i].ys))))
	}
	chart := s.c.chartBox("test accuracy (1,000 digits) against fine-tuning updates", &s.chart, legend, l.rightW(), l.rightH(0, 2))
	bars := s.c.box(fmt.Sprintf("inside the %s net, per layer (i: next net)", deepNames[s.which]), s.barsView(l.rightW()-2), l.rightW(), l.rightH(1, 2), false)
	upd := s.c.S.Dim.Render(wrap("n: one step (pretraining mini-batch, then one update of each net); space runs all three", l.leftW()-1))
	return l.compose(main, upd, panel, chart, bars)
}

// barsView draws each layer's activation mean ± spread and gradient norm.
func (s *deep) barsView(w int) string {
	if s.stats[0] == nil {
		return s.c.S.Dim.Render("the nets start when pretraining is done")
	}
	m, sd, g := s.stats[0], s.stats[1], s.stats[2]
	bw := max(6, (w-30)/2)
	gmax := 0.0
	for _, x := range g {
		gmax = math.Max(gmax, math.Log10(x+1e-12))
	}
	var b strings.Builder
	b.WriteString(fmt.Sprintf("%-6s %-*s %s\n", "layer", bw+12, "activation mean ± sd", "gradient norm (log scale)"))
	for l := range m {
		n := int(math.Round(m[l] * float64(bw)))
		act := strings.Repeat("█", max(0, min(bw, n))) + strings.Repeat("·", max(0, bw-n))
		lg := math.Log10(g[l] + 1e-12)
		gn := int(math.Round((lg + 8) / math.Max(gmax+8, 1e-9) * float64(bw)))
		grad := strings.Repeat("█", max(0, min(bw, gn))) + strings.Repeat("·", max(0, bw-gn))
		b.WriteString(fmt.Sprintf("%-6d %s %.2f±%.2f  %s %.1e\n", l+1, act, m[l], sd[l], grad, g[l]))
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s *deep) sweepBody(panel func(h int) string) string {
	l := s.l
	var b strings.Builder
	fmt.Fprintf(&b, "final test accuracy after %d updates, %s start, width %d\n\n", s.v.Int("budget"), s.v.Choice("init"), s.hidden[0])
	sw := s.sweep
	for d := 1; d <= topic.SweepDepths; d++ {
		line := fmt.Sprintf("  depth %d: ", d)
		switch {
		case d <= len(sw.Acc):
			line += fmt.Sprintf("%.4f", sw.Acc[d-1])
		case d == sw.Depth:
			done := float64(sw.Cur.Batches) / float64(sw.Budget())
			n := int(done * 20)
			line += "[" + strings.Repeat("█", n) + strings.Repeat("·", 20-n) + "]"
			if sw.CurDBN != nil && !sw.CurDBN.Done() {
				line += " pretraining"
			}
		default:
			line += "–"
		}
		b.WriteString(line + "\n")
	}
	main := s.c.box("depth sweep", b.String(), l.leftW(), l.mainH(), false)
	chart := s.c.box("final test accuracy against hidden layers", s.chart.view(), l.rightW(), l.rightH(0, 2), false)
	about := s.c.box("what extra layers do", wrap("More layers can represent more, but plain backprop from a small random start sends vanishing gradients to the lower layers of a sigmoid net, which then barely learn; greedy pretraining or a scaled (Glorot) start gives them a useful place to begin.", l.rightW()-2), l.rightW(), l.rightH(1, 2), false)
	return l.compose(main, s.c.S.Dim.Render("space runs the sweep: each depth trains, then the next"), panel, chart, about)
}

func (s *deep) panel(name string, v topic.Values, w, h int) string {
	return wrap(`Deep belief nets (Hinton, Osindero and Teh 2006; Hinton and Salakhutdinov 2006): train an RBM on the pixels, then another on its hidden activations, and so on; the stack's weights start a deep network that backpropagation fine-tunes. This ended the neural-network winter.
Why it was needed: from small random weights a deep sigmoid net's gradients shrink layer by layer towards the input (see the bars), so the lower layers hardly learn.
Why it is no longer used: a start scaled to each layer's fan-in and fan-out (Glorot and Bengio 2010), and later ReLUs and normalisation, keep the gradients alive, closing most of the gap without pretraining.`, w)
}
