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

// The deep-belief-net topic has two units: the comparison, greedy
// pretraining of an RBM stack then three nets (small random, Glorot,
// pretrained) fine-tuned in step on the same data; and a sweep over depth.

func newDeep(exp string) unit {
	if exp == "sweep" {
		return &depthSweep{}
	}
	return &deep{}
}

type deepPanel struct{}

func (deepPanel) tabs() []string                          { return []string{"Theory"} }
func (deepPanel) panel(_ *drawer, _ string, w int) string { return wrap(deepTheory, w) }

var (
	netKey   = key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "whose layers"))
	dreamKey = key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "dream"))
)

var deepNames = []string{"small random", "Glorot", "pretrained"}

// deep is the comparison of the three starts.
type deep struct {
	deepPanel
	data      *models.MNIST
	seed      uint64
	p         topic.DeepSetup
	cmp       *models.DeepComparison
	acc       [3]trace
	which     int // whose layer statistics are shown
	stats     [3][]float64
	err       string // an error of the last step, shown in the status line
	dreamPics [][]float64
	dreams    int // how many times d was pressed
}

func (s *deep) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	p := topic.DeepParams(v)
	cmp, err := models.NewDeepComparison(data, p.Hidden, p.Eta, p.Pretrain, seed)
	if err != nil {
		return err
	}
	*s = deep{data: data, seed: seed, p: p, cmp: cmp, which: s.which}
	return nil
}

func (s *deep) checkpoint() {
	sub := s.data.Test.Slice(0, 1000)
	for i, tr := range s.cmp.Runs {
		s.acc[i].add(float64(tr.Batches), tr.Net.Accuracy(sub))
	}
	s.layerStats()
}

func (s *deep) layerStats() {
	if s.cmp.Pretrained() {
		m, sd, g := s.cmp.Runs[s.which].Net.LayerStats(s.data.Test, firstN(100))
		s.stats = [3][]float64{m, sd, g}
	}
}

func (s *deep) step() {
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
	n := topic.Epochs(v)
	return s.cmp.Pretrained() && s.cmp.Runs[0].Epoch >= n, fmt.Sprintf("%d epoch(s) of fine-tuning", n)
}

func (s *deep) keys() []key.Binding { return []key.Binding{netKey, dreamKey} }

func (s *deep) key(msg tea.KeyMsg) bool {
	switch {
	case key.Matches(msg, netKey):
		s.which = (s.which + 1) % 3
		s.layerStats()
	case key.Matches(msg, dreamKey):
		if s.cmp.DBN.Done() {
			s.dreams++
			s.dreamPics = nil
			for k := 0; k < 4; k++ {
				s.dreamPics = append(s.dreamPics, s.cmp.DBN.Dream(20+k, 100, s.seed+uint64(s.dreams)*7+uint64(k)))
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
	case !s.cmp.Pretrained():
		d := s.cmp.DBN
		return fmt.Sprintf("pretraining layer %d/%d, batch %d/%d", d.Layer+1, len(d.RBMs), d.Batches, d.PerLayer)
	}
	return fmt.Sprintf("fine-tuning, update %d", s.cmp.Runs[0].Batches)
}

func (s *deep) layout(d *drawer) layout {
	S := d.S()
	legend := ""
	for i, name := range deepNames {
		st, d := []int{2, 1, 0}[i], []dash{dotted, dashed, solid}[i]
		legend += S.Series[st].Render(fmt.Sprintf("%s %s %s  ", d.mark(), name, num(last(s.acc[i].ys))))
	}
	return layout{
		main:   box{title: "deep belief net", draw: func(w, h int) string { return wrap(s.stack(d), w) }},
		update: S.Dim.Render("n: one step (pretraining mini-batch, then one update of each net); space runs all three"),
		right: []box{
			d.chart("accuracy", "test accuracy (1,000 digits) · against fine-tuning updates", legend, s.drawAccuracy),
			{title: fmt.Sprintf("inside the %s net, per layer (i: next net)", deepNames[s.which]), min: len(s.p.Hidden) + 2,
				draw: func(w, h int) string { return s.barsView(d, w) }},
		},
	}
}

// stack draws the layers, the one being pretrained marked, and dreams.
func (s *deep) stack(d *drawer) string {
	S := d.S()
	var b strings.Builder
	sizes := append(append([]int{models.Pixels}, s.p.Hidden...), 10)
	for i := len(sizes) - 1; i >= 0; i-- {
		name := fmt.Sprintf("%4d units", sizes[i])
		switch {
		case i == len(sizes)-1:
			name += "  softmax, fine-tuning"
		case i == 0:
			name += "  pixels"
		}
		line := "  ▭ " + name
		switch {
		case !s.cmp.DBN.Done() && i == s.cmp.DBN.Layer+1:
			line = S.Warn.Render("▸ ▭ " + name + "  ← RBM being trained")
		case !s.cmp.DBN.Done() && i == s.cmp.DBN.Layer:
			line = S.Warn.Render("▸ ▭ " + name)
		}
		b.WriteString(line + "\n")
	}
	switch {
	case !s.cmp.DBN.Done():
		fmt.Fprintf(&b, "\nRBM %d: reconstruction error %.2f", s.cmp.DBN.Layer+1, s.cmp.DBN.Last)
	case len(s.dreamPics) > 0:
		var pics [][]string
		for _, p := range s.dreamPics {
			pics = append(pics, d.c.picture(p, 7))
		}
		b.WriteString("\ndreams (d again for more):\n" + joinPics(pics))
	default:
		b.WriteString("\npretrained: d dreams digits from the stack")
	}
	return b.String()
}

func (s *deep) drawAccuracy(p *plot) string {
	p.xName, p.yName = "updates", "accuracy"
	S := p.c.S
	xmax := 10.0
	if s.cmp.Pretrained() {
		xmax = math.Max(xmax, float64(s.cmp.Runs[0].Batches))
	}
	p.draw([2]float64{0, xmax}, [2]float64{0, 1},
		series{xs: s.acc[0].xs, ys: s.acc[0].ys, style: S.Series[2], dash: dotted},
		series{xs: s.acc[1].xs, ys: s.acc[1].ys, style: S.Series[1], dash: dashed},
		series{xs: s.acc[2].xs, ys: s.acc[2].ys, style: S.Series[0]})
	return ""
}

// barsView draws each layer's activation mean ± spread and gradient norm.
func (s *deep) barsView(d *drawer, w int) string {
	if s.stats[0] == nil {
		return d.S().Dim.Render("the nets start when pretraining is done")
	}
	m, sd, g := s.stats[0], s.stats[1], s.stats[2]
	bw := max(3, (w-27)/2) // a row: layer, bar, mean±sd, bar, norm
	gmax := 0.0
	for _, x := range g {
		gmax = math.Max(gmax, math.Log10(x+1e-12))
	}
	var b strings.Builder
	b.WriteString(wrap("layer, activation mean ± sd, gradient norm", w) + "\n")
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

// depthSweep is the sweep over depth: each depth 1..5 trains for the
// budget, then the next.
type depthSweep struct {
	deepPanel
	p   topic.DeepSetup
	sw  *models.DepthSweep
	err string
}

func (s *depthSweep) reset(v topic.Values, seed uint64) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	p := topic.DeepParams(v)
	sw, err := models.NewDepthSweep(data, p.Hidden[0], p.Init, p.Eta, p.Pretrain, p.Budget, seed)
	if err != nil {
		return err
	}
	s.p, s.sw, s.err = p, sw, ""
	return nil
}

func (s *depthSweep) step() {
	if err := s.sw.Step(); err != nil {
		s.err = err.Error()
	}
}

func (s *depthSweep) finished(topic.Values) (bool, string) { return s.sw.Done(), "every depth trained" }
func (s *depthSweep) keys() []key.Binding                  { return nil }
func (s *depthSweep) key(tea.KeyMsg) bool                  { return false }

func (s *depthSweep) status() string {
	switch {
	case s.err != "":
		return s.err
	case s.sw.Done():
		return "sweep done"
	}
	return fmt.Sprintf("sweep: depth %d of %d, %s", s.sw.Depth, models.SweepDepths, s.p.Init)
}

func (s *depthSweep) layout(d *drawer) layout {
	return layout{
		main:   box{title: "depth sweep", draw: func(w, h int) string { return wrap(s.table(), w) }},
		update: d.S().Dim.Render("space runs the sweep: each depth trains, then the next"),
		right: []box{
			d.chart("sweep", "final test accuracy against depth", "", s.drawSweep),
			textBox("what extra layers do", "More layers can represent more, but plain backprop from a small random start sends vanishing gradients to the lower layers of a sigmoid net, which then barely learn; greedy pretraining or a scaled (Glorot) start gives them a useful place to begin."),
		},
	}
}

func (s *depthSweep) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "final test accuracy after %d updates, %s start, width %d\n\n", s.p.Budget, s.p.Init, s.p.Hidden[0])
	sw := s.sw
	for d := 1; d <= models.SweepDepths; d++ {
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
	return b.String()
}

func (s *depthSweep) drawSweep(p *plot) string {
	p.xName, p.yName = "depth", "accuracy"
	p.intX = true // depths
	var xs, ys []float64
	for i, a := range s.sw.Acc {
		xs, ys = append(xs, float64(i+1)), append(ys, a)
	}
	p.draw([2]float64{0.5, 5.5}, [2]float64{0, 1},
		series{xs: xs, ys: ys, style: p.c.S.Series[0]},
		series{xs: xs, ys: ys, style: p.c.S.Series[0], glyph: '●'})
	return ""
}

const deepTheory = `Deep belief nets (Hinton, Osindero and Teh 2006; Hinton and Salakhutdinov 2006): train an RBM on the pixels, then another on its hidden activations, and so on; the stack's weights start a deep network that backpropagation fine-tunes. This ended the neural-network winter.
Why it was needed: from small random weights a deep sigmoid net's gradients shrink layer by layer towards the input (see the bars), so the lower layers hardly learn.
Why it is no longer used: a start scaled to each layer's fan-in and fan-out (Glorot and Bengio 2010), and later ReLUs and normalisation, keep the gradients alive, closing most of the gap without pretraining.`
