select f(1,2,);
