module example.com/slurm-exporter

go 1.19
