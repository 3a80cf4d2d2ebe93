"""What `minimt train` trains: its corpus (splits, tokenizer, phrasebook weighting), the run that
puts the teaching path together (model, optimiser, the loop, checkpoints, --resume), and how the
run measures itself (validation, the final report). The loop itself is minimt/train.py."""
