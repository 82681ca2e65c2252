module github.com/jclub/jclub

go 1.24.2

require gonum.org/v1/gonum v0.17.0
