package topic

import (
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"github.com/jclub/jclub/models"
)

// Deep initialisations compared.
const (
	InitPretrain = "pretrain"
)

// DeepInits are the three starts of the comparison.
var DeepInits = []string{InitPretrain, models.InitGlorot, models.InitSmall}

// Deep is deep belief nets against random and Glorot initialisation.
var Deep = &Topic{
	ID:      "deep",
	Unit:    UnitDeep,
	Title:   "Deep belief nets",
	Summary: "greedy RBM pretraining against random and Glorot initialisation",
	Papers: []string{
		"Hinton, Osindero and Teh 2006: a fast learning algorithm for deep belief nets",
		"Hinton and Salakhutdinov 2006: reducing the dimensionality of data with neural networks",
		"Glorot and Bengio 2010: understanding the difficulty of training deep feedforward neural networks",
		"LeCun, Bengio and Hinton 2015: deep learning",
	},
	Questions: []string{
		"When do extra layers help, and when do they hurt?",
		"Why was pretraining needed, and why is it no longer used?",
	},
	UsesMNIST: true,
	Params: []Param{
		{Name: "experiment", Experiment: true, Kind: Choice, Choices: []string{"compare", "sweep"},
			Help: "compare: the three starts side by side; sweep: final accuracy against depth 1..5"},
		{Name: "layers", Kind: Choice, Default: 1,
			Choices: []string{"100", "256,256", "500,500", "100,100,100,100", "256,256,256,256", "100,100,100,100,100"},
			Help:    "hidden layer widths"},
		{Name: "init", Kind: Choice, Choices: DeepInits, If: func(v Values) bool { return v.Choice("experiment") == "sweep" },
			Help: "the sweep's start: pretrain (a DBN), glorot, or small random N(0, 0.01²)"},
		{Name: "pretrain", Kind: Int, Default: 300, Min: 1, Max: 100000,
			Help: "pretraining mini-batches of 100 per layer"},
		{Name: "eta", Kind: Float, Default: 1, Min: 1e-3, Max: 100, Help: "fine-tuning learning rate (sigmoid units, softmax output); at 3 the small and Glorot starts fail on some seeds"},
		{Name: "budget", Kind: Int, Default: 5000, Min: 10, Max: 1000000,
			If:   func(v Values) bool { return v.Choice("experiment") == "sweep" || v.Int("seeds") > 1 },
			Help: "fine-tuning updates (mini-batches of 10) per net of the sweep, or per start with --seeds"},
		{Name: "epochs", Kind: Int, Default: 1, Min: 1, Max: 100, Live: true,
			If:   func(v Values) bool { return v.Choice("experiment") == "compare" && v.Int("seeds") == 1 },
			Help: "fine-tuning epochs: jclub run stops there, a live run pauses there"},
		{Name: "seeds", Kind: Int, Default: 1, Min: 1, Max: 100, Headless: true, If: func(v Values) bool { return v.Choice("experiment") == "compare" },
			Help: "jclub run: above 1, compare the three starts on this many seeds (seed, seed+1, ...) at the budget: a row per seed, mean ± standard error in the JSON summary"},
	},
	Uses: func(v Values) (bool, bool) { // --seeds K: whole nets at the budget
		single := v.Choice("experiment") == "sweep" || v.Int("seeds") == 1
		return single, v.Choice("experiment") == "compare" && v.Int("seeds") == 1
	},
	Natural: func(Values) bool { return true }, // its epochs, or every depth
	Steps:   5000,
	Every:   1000,
	Columns: func(v Values) []string {
		if v.Choice("experiment") == "sweep" {
			return []string{"depth", "test_accuracy"}
		}
		if v.Int("seeds") > 1 {
			return append([]string{"seed"}, DeepInits...)
		}
		return append([]string{"update"}, CompareStarts...)
	},
	Run: runDeep,
}

// CompareStarts are the starts of the comparison, in the order of its Runs.
var CompareStarts = []string{models.InitSmall, models.InitGlorot, InitPretrain}

// DeepComparison is the comparison of the three starts: the DBN is
// pretrained first, one mini-batch per Step; then three nets, small random,
// Glorot and pretrained (CompareStarts), are fine-tuned in step on the same
// data order, one update of each per Step.
type DeepComparison struct {
	DBN  *models.DBN
	Runs []*models.Trainer // empty until pretraining is done

	data   *models.MNIST
	hidden []int
	eta    float64
	seed   uint64
}

// NewDeepComparison starts the pretraining.
func NewDeepComparison(data *models.MNIST, hidden []int, eta float64, pretrain int, seed uint64) (*DeepComparison, error) {
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
		tr, err := models.NewTrainer(DeepNet(c.hidden, init, c.eta), c.data, c.seed)
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
func DeepCompare(data *models.MNIST, hidden []int, eta float64, pretrain, budget int, seed uint64) ([]float64, error) {
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

// DeepSetup is the deep topic's values, bound once.
type DeepSetup struct {
	Hidden   []int   // hidden layer widths
	Init     string  // jclub run's start and the sweep's
	Eta      float64 // fine-tuning learning rate
	Pretrain int     // pretraining mini-batches per layer
	Budget   int     // fine-tuning updates per net of the sweep, or per start with Seeds
	Seeds    int
}

// DeepParams binds the deep topic's values.
func DeepParams(v Values) DeepSetup {
	return DeepSetup{Hidden: deepLayers(v), Init: v.Choice("init"), Eta: v.Float("eta"),
		Pretrain: v.Int("pretrain"), Budget: v.Int("budget"), Seeds: v.Int("seeds")}
}

// deepLayers parses the hidden widths.
func deepLayers(v Values) []int {
	var out []int
	for _, f := range strings.Split(v.Choice("layers"), ",") {
		n, _ := strconv.Atoi(f)
		out = append(out, n)
	}
	return out
}

// DeepNet is the fine-tuned network: 784, the hidden layers, 10; sigmoid
// units, softmax output, mini-batches of 10.
func DeepNet(hidden []int, init string, eta float64) models.MLPParams {
	if init == InitPretrain {
		init = models.InitSmall // the output layer; the rest comes from the DBN
	}
	sizes := append(append([]int{models.Pixels}, hidden...), 10)
	return models.MLPParams{Sizes: sizes, Activation: models.Sigmoid, Output: models.Softmax, Init: init, Batch: 10, Eta: eta}
}

// NewDeepRun makes a trainer for init; for pretrain it also returns the
// DBN, which must be stepped until done and then copied in by InitMLP.
func NewDeepRun(data *models.MNIST, hidden []int, init string, eta float64, pretrain int, seed uint64) (*models.Trainer, *models.DBN, error) {
	tr, err := models.NewTrainer(DeepNet(hidden, init, eta), data, seed)
	if err != nil {
		return nil, nil, err
	}
	if init != InitPretrain {
		return tr, nil, nil
	}
	dbn, err := models.NewDBN(append([]int{models.Pixels}, hidden...), models.GuideRBM(0), pretrain, data.Train, seed)
	return tr, dbn, err
}

// SweepDepths is the deepest net of the depth sweep.
const SweepDepths = 5

// DepthSweep trains nets of 1..SweepDepths hidden layers of one width, one
// after another, each from the same start (init, eta, pretraining) and
// seed for budget fine-tuning updates, and records the final test
// accuracy of each: what extra layers do to a start.
type DepthSweep struct {
	data     *models.MNIST
	width    int
	init     string
	eta      float64
	pretrain int
	budget   int
	seed     uint64
	Depth    int             // 1..SweepDepths being trained; SweepDepths+1 when done
	Cur      *models.Trainer // the net being trained
	CurDBN   *models.DBN     // its pretraining (nil for other starts)
	Acc      []float64       // final test accuracy per depth done
}

// NewDepthSweep starts the sweep at depth 1.
func NewDepthSweep(data *models.MNIST, width int, init string, eta float64, pretrain, budget int, seed uint64) (*DepthSweep, error) {
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

func runDeep(v Values, seed uint64, steps, every int, out Out) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	if v.Choice("experiment") == "sweep" {
		d := DeepParams(v)
		sw, err := NewDepthSweep(data, d.Hidden[0], d.Init, d.Eta, d.Pretrain, d.Budget, seed)
		if err != nil {
			return err
		}
		for i := 0; !sw.Done() && (steps < 0 || i < steps); i++ {
			if err := sw.Step(); err != nil {
				return err
			}
		}
		for d, a := range sw.Acc {
			out.Row([]float64{float64(d + 1), a})
		}
		return nil
	}
	if k := v.Int("seeds"); k > 1 {
		per := make([][]float64, len(DeepInits))
		for s := range k {
			d := DeepParams(v)
			acc, err := DeepCompare(data, d.Hidden, d.Eta, d.Pretrain, d.Budget, seed+uint64(s))
			if err != nil {
				return err
			}
			out.Row(append([]float64{float64(seed + uint64(s))}, acc...))
			for i, a := range acc {
				per[i] = append(per[i], a)
			}
		}
		for i, name := range DeepInits {
			m, sd := stat.MeanStdDev(per[i], nil)
			out.Meta(name+"_mean", m)
			out.Meta(name+"_se", sd/math.Sqrt(float64(k)))
		}
		return nil
	}
	// the comparison as the screen runs it: pretraining, then the three
	// nets in step, a row of their test accuracies every `every` updates
	d := DeepParams(v)
	c, err := NewDeepComparison(data, d.Hidden, d.Eta, d.Pretrain, seed)
	if err != nil {
		return err
	}
	printed := -1
	row := func() {
		printed = c.Runs[0].Batches
		r := []float64{float64(c.Runs[0].Batches)}
		for _, tr := range c.Runs {
			r = append(r, tr.Net.Accuracy(data.Test))
		}
		out.Row(r)
	}
	for i := 0; steps < 0 || i < steps; i++ {
		if steps < 0 && c.Pretrained() && c.Runs[0].Epoch >= Epochs(v) {
			break
		}
		was := c.Pretrained()
		if err := c.Step(); err != nil {
			return err
		}
		switch {
		case !c.Pretrained():
		case !was: // fine-tuning starts: the nets as they begin
			row()
		case c.Runs[0].Batches%every == 0 || i == steps-1:
			row()
		}
	}
	if c.Pretrained() && printed != c.Runs[0].Batches {
		row()
	}
	return nil
}
