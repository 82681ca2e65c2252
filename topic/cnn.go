package topic

import (
	"math"
	"math/rand/v2"

	"github.com/jclub/jclub/models"
)

// CNN is a LeNet-like convolutional network learning MNIST, beside an MLP
// trained on the same digits for the translation test.
var CNN = &Topic{
	ID:      "cnn",
	Unit:    UnitSeminar,
	Title:   "Convolutional networks: LeNet on MNIST",
	Summary: "LeNet-5 (or LeNet-1) trained live: its filters and feature maps, the digit moved pixel by pixel beside an MLP, curves, confusion, gradient check",
	Papers: []string{
		"Hubel and Wiesel 1962: receptive fields, binocular interaction and functional architecture in the cat's visual cortex",
		"Fukushima 1980: neocognitron, a self-organizing network for pattern recognition unaffected by shift in position",
		"LeCun et al. 1989: backpropagation applied to handwritten zip code recognition",
		"LeCun, Bottou, Bengio and Haffner 1998: gradient-based learning applied to document recognition",
	},
	UsesMNIST: true,
	Params: []Param{
		{Name: "arch", Kind: Choice, Choices: models.Archs,
			Help: "lenet5: 32×32 in, C1 6@28×28, S2, C3 16@10×10, S4, 120, 84, 10; lenet1: 28×28 in, 4@24×24, S2, 12@8×8, S4, 10"},
		{Name: "activation", Kind: Choice, Choices: models.CNNActivations, Help: "relu or tanh, in every layer but the softmax"},
		{Name: "pool", Kind: Choice, Choices: models.Pools, Help: "each 2×2 window's max or average"},
		{Name: "table", Kind: Choice, Choices: models.Tables,
			If:   func(v Values) bool { return v.Choice("arch") == models.LeNet5 },
			Help: "C3's connections: partial, LeNet-5's table (each map reads 3, 4 or 6 of S2's); full: every map reads all six"},
		{Name: "batch", Kind: Int, Default: float64(models.DefaultCNN.Batch), Min: 1, Max: models.MaxCNNBatch, Help: "mini-batch size"},
		{Name: "eta", Kind: Float, Default: models.DefaultCNN.Eta, Min: 1e-4, Max: 10, Help: "learning rate η"},
		{Name: "momentum", Kind: Float, Default: models.DefaultCNN.Momentum, Min: 0, Max: 0.99, Step: 0.1, Help: "momentum coefficient μ"},
		{Name: "decay", Kind: Float, Default: models.DefaultCNN.Decay, Min: 0, Max: 1e9,
			Help: "samples τ over which the rate falls to half: η/(1 + t/τ) after t samples (0: η throughout)"},
		{Name: "epochs", Kind: Int, Default: 1, Min: 1, Max: 1000, Live: true,
			Help: "epochs to train: jclub run stops there (a row each), a live run pauses there"},
		{Name: "moved", Kind: Bool, Headless: true,
			Help: "also measure both nets on the whole test set with every digit moved by 1, 2 and 3 pixels (a quarter each way), at each row after the first"},
	},
	Uses:    func(Values) (bool, bool) { return true, false },
	Natural: func(Values) bool { return true },
	Steps:   1563,
	Every:   500,
	Columns: func(v Values) []string {
		cols := []string{"epoch", "samples", "train_loss", "val_accuracy", "test_accuracy", "mlp_test_accuracy", "filter_smoothness"}
		if v.Bool("moved") {
			cols = append(cols, "shift1_accuracy", "shift2_accuracy", "shift3_accuracy",
				"mlp_shift1_accuracy", "mlp_shift2_accuracy", "mlp_shift3_accuracy")
		}
		return cols
	},
	Run: runCNN,
}

// CNNParams converts the topic's values to the network's parameters.
func CNNParams(v Values) models.CNNParams {
	return models.CNNParams{Arch: v.Choice("arch"), Activation: v.Choice("activation"), Pool: v.Choice("pool"),
		Table: v.Choice("table"), Batch: v.Int("batch"), Eta: v.Float("eta"), Momentum: v.Float("momentum"), Decay: v.Float("decay")}
}

// BesideMLP is the MLP trained beside the CNN on the same digits, in
// batches of the same size: LeCun et al.'s 300 hidden units, ReLU,
// softmax with cross-entropy.
func BesideMLP(batch int) models.MLPParams {
	return models.MLPParams{Sizes: []int{models.Pixels, 300, 10}, Activation: models.ReLU, Output: models.Softmax,
		Init: models.InitScaled, Batch: batch, Eta: 0.05, Momentum: 0.9}
}

func runCNN(v Values, seed uint64, steps, every int, out Out) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	p := CNNParams(v)
	tr, err := models.NewCNNTrainer(p, data, seed)
	if err != nil {
		return err
	}
	mlp, err := models.NewTrainer(BesideMLP(p.Batch), data, seed)
	if err != nil {
		return err
	}
	worst := 0.0
	for _, c := range tr.Net.Clone().GradCheck(rand.New(rand.NewPCG(seed, 0x9c)), 2, 20, 1e-6) {
		worst = math.Max(worst, c.Rel)
		out.Meta("gradcheck_"+c.Layer, c.Rel)
	}
	out.Meta("gradcheck_rel_error", worst)
	out.Meta("weights", float64(tr.Net.Weights()))
	out.Meta("mlp_weights", float64(mlp.Net.Weights()))
	moved := v.Bool("moved")
	row := func(epoch, loss float64, shifts bool) {
		r := []float64{epoch, float64(tr.Samples()), loss, tr.Net.Accuracy(data.Val), tr.Net.Accuracy(data.Test),
			mlp.Net.Accuracy(data.Test), tr.Net.FilterSmoothness()}
		if !moved {
			out.Row(r)
			return
		}
		nan := math.NaN()
		cs, ms := [3]float64{nan, nan, nan}, [3]float64{nan, nan, nan}
		if shifts {
			for s := 1; s <= 3; s++ {
				cs[s-1] = models.ShiftedAccuracy(data.Test, s, tr.Net)
				ms[s-1] = models.ShiftedAccuracy(data.Test, s, models.MovedMLP{MLP: mlp.Net})
			}
		}
		r = append(r, cs[:]...)
		out.Row(append(r, ms[:]...))
	}
	row(0, math.NaN(), false)
	per := tr.BatchesPerEpoch()
	n := until(steps, Epochs(v)*per)
	for i := 1; i <= n; i++ {
		mlp.Step()
		switch {
		case tr.Step():
			row(float64(tr.Epoch), tr.DoneLoss, true)
		case i == n: // a part of an epoch: its fraction, and the mean loss so far
			row(float64(tr.Batches)/float64(per), tr.EpochLoss, true)
		}
	}
	return nil
}
