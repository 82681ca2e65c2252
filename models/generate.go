package models

//go:generate go run ../internal/genmnist mnistdata
