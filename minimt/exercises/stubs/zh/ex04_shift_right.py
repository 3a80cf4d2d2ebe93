"""练习 4 —— 把标签右移，得到 decoder_input_ids（第 03 课）。

检查你的答案：   minimt exercises check 4      （加上 --hint 可以看提示）
"""
import torch


def shift_right(labels, *, bos_id, pad_id):
    """decoder_input_ids = [BOS] + labels[:, :-1]，并把每个 -100 换回 pad_id。

    ``labels`` (B, T) torch.long：目标句 ID + EOS，用 -100 填充。返回一个新的 (B, T)
    torch.long 张量；不要改动 ``labels``（损失还要用它）。

    示例，bos_id=2，pad_id=0，用练习 3 的标签（课程里的分词器：
    encode("Comment ça va ?") = [2371, 2731, 248, 26]，encode("Salut.") = [3238, 3938]）：

        labels             [[2371, 2731,  248,   26,    3, -100],
                            [3238, 3938,    3, -100, -100, -100]]
        decoder_input_ids  [[   2, 2371, 2731,  248,   26,    3],
                            [   2, 3238, 3938,    3,    0,    0]]

    在位置 t，解码器已经读了 BOS 和 labels[:t]，要预测 labels[t]：它永远看不到自己要预测的
    那个词元（这就是教师强制（teacher forcing））。
    """
    raise NotImplementedError
