"""练习 6 —— 因果掩码（第 04 课）。

检查你的答案：   minimt exercises check 6      （加上 --hint 可以看提示）
"""
import torch


def causal_mask(T, device=None):
    """(1, 1, T, T) 的布尔掩码：查询位置 t 可以关注键位置 0..t。

    行 = 查询，列 = 键。True = 可以关注。解码器从左到右读它的输入：位置 t 能看到自己和过去，
    永远看不到未来（训练时，未来正好是它要预测的那个词元）。

    示例，causal_mask(4)[0, 0]：

        [[True,  False, False, False],
         [True,  True,  False, False],
         [True,  True,  True,  False],
         [True,  True,  True,  True ]]

    ``device``：在哪个设备上创建张量（None = 默认设备）。
    """
    raise NotImplementedError
