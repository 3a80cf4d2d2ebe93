"""练习 20 —— 手写反向传播：d loss / d logits，以及哪些位置没有梯度（第 06 课）。

检查你的答案：   minimt exercises check 20      （加上 --hint 可以看提示）
"""
import torch


def logit_gradients(logits, labels):
    """minimt 的损失对 logits 的梯度 —— 不用自动微分（autograd）。

    logits (B, T, V) 浮点数，labels (B, T) long，填充处为 -100。损失是在 N 个真实位置
    （labels != -100）上交叉熵的平均，也就是练习 9 的掩码平均。
    返回一个同样数据类型的 (B, T, V) 张量：也就是 ``loss.backward()`` 会留在
    ``logits.grad`` 里的东西。先在纸上推一遍；结果很短：

        在真实位置 (b, t)：   (softmax(logits[b, t]) - one_hot(labels[b, t])) / N
        在 -100 的位置：      恰好为 0（损失不依赖这些 logits）

    如果没有一个真实标签（N = 0），每个梯度都是 0 —— 不是 NaN。不要调用
    ``.backward()`` 或 ``torch.autograd.grad``：评分器会拿它们来对比。

    示例：B=1，T=3，V=2，logits = [[[0, 0], [0, 0], [5, 1]]]，labels = [[1, 0, -100]]。
    N = 2。位置 0：softmax = [0.5, 0.5]，one_hot(1) = [0, 1] → [0.5, -0.5] / 2 = [0.25, -0.25]。
    位置 1：([0.5, 0.5] - [1, 0]) / 2 = [-0.25, 0.25]。位置 2 是 -100 → [0, 0]。
    正确词元的 logit 得到负的梯度：梯度下降会把它调高。
    """
    raise NotImplementedError
