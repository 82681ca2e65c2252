package models

import (
	"fmt"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// DBN is a deep belief net (Hinton, Osindero and Teh 2006): a stack of
// RBMs, each trained by contrastive divergence on the hidden activations of
// the one below, one mini-batch per Step. Its weights then initialise an
// MLP of the same shape for fine-tuning by backpropagation.
type DBN struct {
	Sizes    []int // 784, then the hidden layers
	RBMs     []*RBM
	Layer    int // the layer being pretrained (len(RBMs) when done)
	Batches  int // mini-batches of the current layer so far
	PerLayer int // mini-batches each layer is trained for
	Last     float64
	data     Digits
	rng      *rand.Rand
	order    []int
	pos      int
}

// NewDBN makes the stack: sizes[0] visible units (784 for MNIST), then the
// hidden layers; each RBM takes p's training settings (Hidden is set per
// layer) and trains for perLayer mini-batches.
func NewDBN(sizes []int, p RBMParams, perLayer int, data Digits, seed uint64) (*DBN, error) {
	if len(sizes) < 2 {
		return nil, fmt.Errorf("layers = %v: need at least one hidden layer", sizes[1:])
	}
	if perLayer < 1 {
		return nil, fmt.Errorf("pretraining: %d mini-batches per layer: must be at least 1", perLayer)
	}
	d := &DBN{Sizes: sizes, PerLayer: perLayer, data: data, rng: rand.New(rand.NewPCG(seed, 0xdb4))}
	for l := 1; l < len(sizes); l++ {
		q := p
		q.Visible, q.Hidden = sizes[l-1], sizes[l]
		var mean []float64
		if l == 1 {
			mean = PixelMeans(data)
		}
		r, err := NewRBM(q, mean, rand.New(rand.NewPCG(seed, uint64(l))))
		if err != nil {
			return nil, fmt.Errorf("layer %d: %w", l, err)
		}
		d.RBMs = append(d.RBMs, r)
	}
	d.order = d.rng.Perm(data.Len())
	return d, nil
}

// Done reports whether every layer has been pretrained.
func (d *DBN) Done() bool { return d.Layer >= len(d.RBMs) }

// up propagates a batch of images to the input of layer l (mean-field).
func (d *DBN) up(V *mat.Dense, l int) *mat.Dense {
	for k := 0; k < l; k++ {
		V = d.RBMs[k].HiddenProbs(V)
	}
	return V
}

// Step trains the current layer on one mini-batch and reports whether the
// whole stack is now pretrained.
func (d *DBN) Step() bool {
	if d.Done() {
		return true
	}
	r := d.RBMs[d.Layer]
	b := r.Params().Batch
	if d.pos+b > len(d.order) {
		d.pos = 0
		d.rng.Shuffle(len(d.order), func(i, j int) { d.order[i], d.order[j] = d.order[j], d.order[i] })
	}
	V := d.up(Images(d.data, d.order[d.pos:d.pos+b]), d.Layer)
	d.pos += b
	d.Last = r.Train(V)
	d.Batches++
	if d.Batches >= d.PerLayer {
		d.Layer++
		d.Batches = 0
	}
	return d.Done()
}

// InitMLP copies the pretrained weights and hidden biases into the hidden
// layers of m (its sizes must be Sizes followed by the output layer).
func (d *DBN) InitMLP(m *MLP) error {
	ms := m.Params().Sizes
	if len(ms) != len(d.Sizes)+1 {
		return fmt.Errorf("the MLP %v does not extend the DBN %v by an output layer", ms, d.Sizes)
	}
	for l, r := range d.RBMs {
		w, b := r.WeightsInputMajor()
		if err := m.SetLayer(l, w, b); err != nil {
			return err
		}
	}
	return nil
}

// Dream generates a digit: Gibbs sampling for steps at the top RBM,
// started from the propagated image start of the data, then one pass
// down the stack to the pixels. It samples on a stream of its own (from
// seed), leaving the nets' training as it would have been.
func (d *DBN) Dream(start, steps int, seed uint64) []float64 {
	top := len(d.RBMs) - 1
	defer d.RBMs[top].ownStream(seed)()
	V := d.up(Images(d.data, []int{start}), top)
	r := d.RBMs[top]
	for range steps {
		V = r.VisibleProbs(r.Sample(r.HiddenProbs(V)))
	}
	for l := top - 1; l >= 0; l-- {
		V = d.RBMs[l].VisibleProbs(V)
	}
	return V.RawRowView(0)
}
