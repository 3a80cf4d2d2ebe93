"""练习 10 —— 一个训练步（第 07 课）。

检查你的答案：   minimt exercises check 10      （加上 --hint 可以看提示）
"""
import torch

from minimt.loss import cross_entropy_loss  # 可以直接用它（练习 9 已经亲手实现过）


def train_step(model, batch, optimizer, *, max_grad_norm=1.0):
    """用 ``batch`` 对 ``model`` 做一次更新，把损失作为 Python 的 float 返回。

    ``model(input_ids, attention_mask, decoder_input_ids, decoder_attention_mask)`` 返回
    logits (B, T, V)；``batch`` 是 minimt 的 Batch（input_ids、attention_mask、labels、
    decoder_input_ids、decoder_attention_mask）。步骤：

        1. 前向计算：由模型得到 logits
        2. 损失：logits 对 batch.labels 的交叉熵（cross-entropy），忽略 -100
        3. optimizer.zero_grad()，然后 loss.backward()
        4. 把梯度（gradient）的总范数裁剪到 max_grad_norm（torch.nn.utils.clip_grad_norm_）
        5. optimizer.step()
        6. 返回 loss.item()

    如果一个批次的标签全是 -100，就没有什么可学的：返回 None，什么都不改
    （连 optimizer.step() 都不要调用：动量和权重衰减仍然会让权重移动）。

    示例：一个刚初始化的模型，在 3 个句子的批次上返回约 ln(V)（均匀猜测的损失），
    而且它的参数变了；再在一个标签全为 -100 的批次上调用它，返回 None，
    每个参数都和原来完全一样。
    """
    raise NotImplementedError
