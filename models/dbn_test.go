package models

import (
	"testing"
	"time"
)

func deepNet(init string) MLPParams {
	return MLPParams{Sizes: []int{784, 100, 100, 100, 100, 10}, Activation: Sigmoid, Output: Softmax, Init: init, Batch: 10, Eta: 3}
}

// On a deep sigmoid net (four hidden layers) at an equal fine-tuning budget,
// DBN pretraining beats small random initialisation and Glorot's closes
// most of the gap; the small net's gradients shrink towards the input.
func TestPretrainingHelps(t *testing.T) {
	d := loadOrSkip(t)
	const budget = 5000 // fine-tuning mini-batches of 10
	acc := map[string]float64{}
	for _, init := range []string{InitSmall, InitGlorot, "pretrain"} {
		p := deepNet(init)
		if init == "pretrain" {
			p.Init = InitSmall
		}
		tr, err := NewTrainer(p, d, 1)
		if err != nil {
			t.Fatal(err)
		}
		if init == "pretrain" {
			rp := GuideRBM(0)
			dbn, err := NewDBN(p.Sizes[:len(p.Sizes)-1], rp, 100, d.Train, 1)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			for !dbn.Step() {
			}
			t.Logf("pretraining 4 layers × 100 batches: %.1f s", time.Since(start).Seconds())
			if err := dbn.InitMLP(tr.Net); err != nil {
				t.Fatal(err)
			}
		}
		if init == InitSmall {
			_, _, g := tr.Net.LayerStats(d.Test, seq(200))
			t.Logf("small init: gradient norms per layer %.2e", g)
			if !(g[0] < g[3]/10) {
				t.Errorf("small init: gradients do not shrink towards the input: %v", g)
			}
		}
		if init == InitGlorot {
			_, _, g := tr.Net.LayerStats(d.Test, seq(200))
			t.Logf("glorot init: gradient norms per layer %.2e", g)
		}
		for range budget {
			tr.Step()
		}
		acc[init] = tr.Net.Accuracy(d.Test)
	}
	t.Logf("after %d updates of 10: small %.4f, glorot %.4f, pretrained %.4f", budget, acc[InitSmall], acc[InitGlorot], acc["pretrain"])
	if !(acc["pretrain"] > acc[InitSmall]+0.05) {
		t.Errorf("pretraining %.4f does not beat small init %.4f", acc["pretrain"], acc[InitSmall])
	}
	if gap := acc["pretrain"] - acc[InitSmall]; !(acc[InitGlorot]-acc[InitSmall] > gap/2) {
		t.Errorf("glorot %.4f closes less than half the gap between %.4f and %.4f", acc[InitGlorot], acc[InitSmall], acc["pretrain"])
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}
