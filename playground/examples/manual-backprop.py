# Backpropagation by hand, as the lecture does it first
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'

L.grad = 1.0
# L = d * f: dL/dd = f, dL/df = d
d.grad = f.data * L.grad
f.grad = d.data * L.grad
# d = e + c: a + passes the gradient on unchanged
c.grad = 1.0 * d.grad
e.grad = 1.0 * d.grad
# e = a * b: de/da = b, de/db = a
a.grad = b.data * e.grad
b.grad = a.data * e.grad
print('a.grad', a.grad, 'b.grad', b.grad, 'c.grad', c.grad, 'f.grad', f.grad)
draw_dot(L)

def lol():
  h = 0.001

  a = Value(2.0, label='a')
  b = Value(-3.0, label='b')
  c = Value(10.0, label='c')
  e = a*b; e.label = 'e'
  d = e + c; d.label = 'd'
  f = Value(-2.0, label='f')
  L = d * f; L.label = 'L'
  L1 = L.data

  a = Value(2.0, label='a')
  b = Value(-3.0, label='b')
  c = Value(10.0, label='c')
  e = a*b; e.label = 'e'
  d = e + c; d.label = 'd'
  f = Value(-2.0 + h, label='f')
  L = d * f; L.label = 'L'
  L2 = L.data

  print((L2 - L1)/h)

lol()

a.data += 0.01 * a.grad
b.data += 0.01 * b.grad
c.data += 0.01 * c.grad
f.data += 0.01 * f.grad

e = a * b
d = e + c
L = d * f

print(L.data)
