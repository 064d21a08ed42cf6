from koordinace.cli import main

main()
