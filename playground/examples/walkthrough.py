# The lecture's first expression (Value: the lecture's class, with labels and _backward)
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
print(L)
print(d._prev, d._op)

L.backward()
print('a.grad', a.grad, 'b.grad', b.grad, 'c.grad', c.grad)
print('e.grad', e.grad, 'd.grad', d.grad, 'f.grad', f.grad)
draw_dot(L)
