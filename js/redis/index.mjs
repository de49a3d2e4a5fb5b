import RedisStore from './index.js'

export { RedisStore }
export default RedisStore
