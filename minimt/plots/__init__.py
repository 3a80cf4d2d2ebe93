"""Every picture minimt draws (used by `minimt inspect`, the lessons and `minimt plot`), one module per idea.

    tokens.py          plot_tokens, plot_id_grid, plot_mask_grid, plot_shift           (lesson 03, `minimt inspect`)
    masks.py           plot_broadcast_masks: padding, cross-attention, causal, decoder (lesson 04)
    pipeline.py        plot_pipeline: the article's pair from text to loss, by lesson (lesson 01, README)
    attention_maps.py  plot_attention, plot_attention_grid, attention_pictures         (lessons 04, 05, 09)
    token_loss.py      plot_token_loss: per-token cross-entropy, -100 hatched          (lesson 06)
    curves.py          read_metrics, plot_training_curves from metrics.jsonl           (`minimt train`, lesson 07)
    scores.py          plot_sentence_scores: per-sentence chrF, corpus BLEU/chrF       (lesson 09)
    _cells.py          rows of boxed cells, one colour per kind (shared by the grids)
    _style.py          slide style, lazy pyplot, `save_figure`, input and tick-label helpers

Every function saves a PNG atomically (`minimt.files.atomic_path`) and returns its Path; inside a
Jupyter kernel it also shows that PNG as the cell's output (`save_figure`, also for your own figures).
Labels are the real pieces, never bare indices, and SentencePiece's word-start ▁ is drawn one way in every
figure (`piece_label`, `_style.WORD_START`; lessons' own figures use it too).
pyplot is imported lazily, so importing this package costs nothing; headless runs use the Agg backend.
The `minimt plot attention | curves` command lives in `minimt/plot_cli.py`.
Import from here (`from minimt.plots import plot_shift`); the submodules are how the code is filed.
"""
from ._cells import CELL
from ._style import IGNORE_INDEX, SPECIAL_PIECES, STYLE, WORD_START, in_notebook, piece_label, save_figure
from .attention_maps import attention_pictures, plot_attention, plot_attention_grid
from .curves import plot_training_curves, read_metrics
from .masks import plot_broadcast_masks
from .pipeline import plot_pipeline
from .scores import plot_sentence_scores
from .token_loss import plot_token_loss
from .tokens import plot_id_grid, plot_mask_grid, plot_shift, plot_tokens

__all__ = ["CELL", "IGNORE_INDEX", "SPECIAL_PIECES", "STYLE", "WORD_START", "attention_pictures", "in_notebook", "plot_attention",
           "piece_label", "plot_attention_grid", "plot_broadcast_masks", "plot_id_grid", "plot_mask_grid", "plot_pipeline",
           "plot_sentence_scores",
           "plot_shift", "plot_token_loss", "plot_tokens", "plot_training_curves", "read_metrics",
           "save_figure"]
