module earlyinit.invalid

go 1.26.0
