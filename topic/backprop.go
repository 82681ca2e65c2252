package topic

import (
	"math"

	"github.com/jclub/jclub/models"
)

// Backprop is a multilayer perceptron trained by backpropagation on MNIST,
// with Nielsen's network.py settings as defaults.
var Backprop = &Topic{
	ID:      "backprop",
	Unit:    UnitDeep,
	Title:   "Backpropagation on MNIST",
	Summary: "a multilayer perceptron trained live: curves, predictions, confusion, gradient check",
	Papers: []string{
		"Rumelhart, Hinton and Williams 1986: learning representations by back-propagating errors",
		"Nielsen 2015: neural networks and deep learning",
	},
	UsesMNIST: true,
	Params: []Param{
		{Name: "hidden", Kind: Int, Default: 30, Min: 1, Max: 1000, Help: "units in each hidden layer"},
		{Name: "depth", Kind: Int, Default: 1, Min: 1, Max: 5, Step: 1, Help: "hidden layers"},
		{Name: "activation", Kind: Choice, Choices: models.Activations, Help: "hidden units: sigmoid, tanh or relu"},
		{Name: "output", Kind: Choice, Choices: models.Outputs,
			Help: "quadratic: sigmoid outputs, quadratic cost (Nielsen); softmax: softmax outputs, cross-entropy"},
		{Name: "init", Kind: Choice, Choices: models.Inits,
			Help: "normal: N(0,1) as Nielsen; scaled: N(0,1/n_in); glorot: U(±√(6/(n_in+n_out)))"},
		{Name: "batch", Kind: Int, Default: 10, Min: 1, Max: 1000, Help: "mini-batch size"},
		{Name: "eta", Kind: Float, Default: 3, Min: 1e-4, Max: 100, Help: "learning rate η"},
		{Name: "momentum", Kind: Float, Default: 0, Min: 0, Max: 0.99, Step: 0.1, Help: "momentum coefficient μ"},
		{Name: "l2", Kind: Float, Default: 0, Min: 0, Max: 1000, Help: "L2 regularisation λ (weights shrink by ηλ/n per update)"},
		{Name: "epochs", Kind: Int, Default: 1, Min: 1, Max: 1000, Live: true,
			Help: "epochs to train: jclub run stops there (a row each), a live run pauses there"},
	},
	Uses:    func(Values) (bool, bool) { return true, false }, // a row each epoch
	Natural: func(Values) bool { return true },                // its epochs
	Steps:   5000,
	Every:   500,
	Columns: func(Values) []string {
		return []string{"epoch", "samples", "train_loss", "val_accuracy", "test_accuracy"}
	},
	Run: runBackprop,
}

// MLPParams converts the topic's values to the network's parameters.
func MLPParams(v Values) models.MLPParams {
	sizes := []int{models.Pixels}
	for range v.Int("depth") {
		sizes = append(sizes, v.Int("hidden"))
	}
	return models.MLPParams{
		Sizes:      append(sizes, 10),
		Activation: v.Choice("activation"),
		Output:     v.Choice("output"),
		Init:       v.Choice("init"),
		Batch:      v.Int("batch"),
		Eta:        v.Float("eta"),
		Momentum:   v.Float("momentum"),
		L2:         v.Float("l2"),
	}
}

// Epochs is how many epochs a run trains (backprop, the RBM, the deep
// nets' fine-tuning): jclub run stops there, a live run pauses there.
func Epochs(v Values) int { return v.Int("epochs") }

func runBackprop(v Values, seed uint64, steps, every int, out Out) error {
	data, err := models.LoadMNISTFrom(v.MNISTDir())
	if err != nil {
		return err
	}
	tr, err := models.NewTrainer(MLPParams(v), data, seed)
	if err != nil {
		return err
	}
	net := tr.Net
	// backprop against finite differences on a small net of the same
	// activation and cost: the gradient of all P parameters from one
	// forward and one backward pass, against 2P forward passes
	g := models.SmallGradCheck(MLPParams(v), seed)
	out.Meta("gradcheck_rel_error", g.Rel)
	out.Meta("gradcheck_params", float64(g.Params))
	out.Meta("passes_backprop", 2)
	out.Meta("passes_finite_differences", float64(2*g.Params))
	out.Row([]float64{0, 0, math.NaN(), net.Accuracy(data.Val), net.Accuracy(data.Test)})
	per := tr.BatchesPerEpoch()
	n := until(steps, Epochs(v)*per)
	for i := 1; i <= n; i++ {
		switch {
		case tr.Step():
			out.Row([]float64{float64(tr.Epoch), float64(tr.Samples()), tr.DoneLoss, net.Accuracy(data.Val), net.Accuracy(data.Test)})
		case i == n: // a part of an epoch: its fraction, and the mean loss so far
			out.Row([]float64{float64(tr.Batches) / float64(per), float64(tr.Samples()), tr.EpochLoss, net.Accuracy(data.Val), net.Accuracy(data.Test)})
		}
	}
	return nil
}
