package models

// The deep-belief-net experiments: the comparison of three starts (small
// random, Glorot, a pretrained DBN) fine-tuned in step on the same data,
// and the sweep over depth.

// Deep initialisations compared.
const (
	InitPretrain = "pretrain"
)

// DeepInits are the three starts of the comparison.
var DeepInits = []string{InitPretrain, InitGlorot, InitSmall}

// CompareStarts are the starts of the comparison, in the order of its Runs.
var CompareStarts = []string{InitSmall, InitGlorot, InitPretrain}

// DeepComparison is the comparison of the three starts: the DBN is
// pretrained first, one mini-batch per Step; then three nets, small random,
// Glorot and pretrained (CompareStarts), are fine-tuned in step on the same
// data order, one update of each per Step.
type DeepComparison struct {
	DBN  *DBN
	Runs []*Trainer // empty until pretraining is done

	data   *MNIST
	hidden []int
	eta    float64
	seed   uint64
}

// NewDeepComparison starts the pretraining.
func NewDeepComparison(data *MNIST, hidden []int, eta float64, pretrain int, seed uint64) (*DeepComparison, error) {
	_, dbn, err := NewDeepRun(data, hidden, InitPretrain, eta, pretrain, seed)
	if err != nil {
		return nil, err
	}
	return &DeepComparison{DBN: dbn, data: data, hidden: hidden, eta: eta, seed: seed}, nil
}

// Pretrained reports whether the fine-tuning has started.
func (c *DeepComparison) Pretrained() bool { return len(c.Runs) > 0 }

// Step does a pretraining mini-batch, or one update of each net.
func (c *DeepComparison) Step() error {
	if !c.DBN.Done() {
		if c.DBN.Step() {
			return c.start()
		}
		return nil
	}
	for _, tr := range c.Runs {
		tr.Step()
	}
	return nil
}

func (c *DeepComparison) start() error {
	for _, init := range CompareStarts {
		tr, err := NewTrainer(DeepNet(c.hidden, init, c.eta), c.data, c.seed)
		if err == nil && init == InitPretrain {
			err = c.DBN.InitMLP(tr.Net)
		}
		if err != nil {
			return err
		}
		c.Runs = append(c.Runs, tr)
	}
	return nil
}

// DeepCompare runs the comparison from one seed for budget fine-tuning
// updates and returns the test accuracy of each start, in DeepInits order.
func DeepCompare(data *MNIST, hidden []int, eta float64, pretrain, budget int, seed uint64) ([]float64, error) {
	c, err := NewDeepComparison(data, hidden, eta, pretrain, seed)
	if err != nil {
		return nil, err
	}
	for !c.Pretrained() || c.Runs[0].Batches < budget {
		if err := c.Step(); err != nil {
			return nil, err
		}
	}
	acc := make([]float64, len(DeepInits))
	for i, init := range DeepInits {
		for k, s := range CompareStarts {
			if s == init {
				acc[i] = c.Runs[k].Net.Accuracy(data.Test)
			}
		}
	}
	return acc, nil
}

// DeepNet is the fine-tuned network: 784, the hidden layers, 10; sigmoid
// units, softmax output, mini-batches of 10.
func DeepNet(hidden []int, init string, eta float64) MLPParams {
	if init == InitPretrain {
		init = InitSmall // the output layer; the rest comes from the DBN
	}
	sizes := append(append([]int{Pixels}, hidden...), 10)
	return MLPParams{Sizes: sizes, Activation: Sigmoid, Output: Softmax, Init: init, Batch: 10, Eta: eta}
}

// NewDeepRun makes a trainer for init; for pretrain it also returns the
// DBN, which must be stepped until done and then copied in by InitMLP.
func NewDeepRun(data *MNIST, hidden []int, init string, eta float64, pretrain int, seed uint64) (*Trainer, *DBN, error) {
	tr, err := NewTrainer(DeepNet(hidden, init, eta), data, seed)
	if err != nil {
		return nil, nil, err
	}
	if init != InitPretrain {
		return tr, nil, nil
	}
	dbn, err := NewDBN(append([]int{Pixels}, hidden...), GuideRBM(0), pretrain, data.Train, seed)
	return tr, dbn, err
}

// SweepDepths is the deepest net of the depth sweep.
const SweepDepths = 5

// DepthSweep trains nets of 1..SweepDepths hidden layers of one width, one
// after another, each from the same start (init, eta, pretraining) and
// seed for budget fine-tuning updates, and records the final test
// accuracy of each: what extra layers do to a start.
type DepthSweep struct {
	data     *MNIST
	width    int
	init     string
	eta      float64
	pretrain int
	budget   int
	seed     uint64
	Depth    int       // 1..SweepDepths being trained; SweepDepths+1 when done
	Cur      *Trainer  // the net being trained
	CurDBN   *DBN      // its pretraining (nil for other starts)
	Acc      []float64 // final test accuracy per depth done
}

// NewDepthSweep starts the sweep at depth 1.
func NewDepthSweep(data *MNIST, width int, init string, eta float64, pretrain, budget int, seed uint64) (*DepthSweep, error) {
	s := &DepthSweep{data: data, width: width, init: init, eta: eta, pretrain: pretrain, budget: budget, seed: seed, Depth: 1}
	return s, s.start()
}

func (s *DepthSweep) start() error {
	hidden := make([]int, s.Depth)
	for i := range hidden {
		hidden[i] = s.width
	}
	tr, dbn, err := NewDeepRun(s.data, hidden, s.init, s.eta, s.pretrain, s.seed)
	if err != nil {
		return err
	}
	s.Cur, s.CurDBN = tr, dbn
	return nil
}

// Done reports whether every depth has been trained.
func (s *DepthSweep) Done() bool { return s.Depth > SweepDepths }

// Budget is the fine-tuning updates per depth.
func (s *DepthSweep) Budget() int { return s.budget }

// Step does one update: a pretraining mini-batch while the current depth's
// stack is pretrained, else one fine-tuning update; the last update of a
// depth records its accuracy and starts the next.
func (s *DepthSweep) Step() error {
	if s.Done() {
		return nil
	}
	if s.CurDBN != nil && !s.CurDBN.Done() {
		if s.CurDBN.Step() {
			return s.CurDBN.InitMLP(s.Cur.Net)
		}
		return nil
	}
	s.Cur.Step()
	if s.Cur.Batches < s.budget {
		return nil
	}
	s.Acc = append(s.Acc, s.Cur.Net.Accuracy(s.data.Test))
	s.Depth++
	if s.Done() {
		return nil
	}
	return s.start()
}
